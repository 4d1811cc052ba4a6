package io.sparkps.spark;

import java.util.Objects;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;

/**
 * Names the Spark jobs a piece of driver code submits, for the Spark UI's Jobs and Stages pages: a
 * job group and a description, set as the calling thread's local properties (what {@code
 * sc.setJobGroup} and {@code sc.setJobDescription} set), and on {@link #close} put back exactly as
 * the caller had them, so a user's own group and description survive a {@code fit}.
 *
 * <pre>{@code
 * try (JobLabels labels = JobLabels.group(sc, "my-fit", "MyEstimator fit")) {
 *   labels.describing("scoring epoch 1", () -> rdd.count());
 * }
 * }</pre>
 *
 * For the thread that opened it (local properties are per thread); not thread-safe.
 */
public final class JobLabels implements AutoCloseable {

  /** Spark's local property names (SparkContext's constants are private to Spark). */
  static final String GROUP = "spark.jobGroup.id";
  static final String DESCRIPTION = "spark.job.description";
  static final String INTERRUPT = "spark.job.interruptOnCancel";

  private final SparkContext sc;
  private final String savedGroup;
  private final String savedDescription;
  private final String savedInterrupt;
  private final String description;

  private JobLabels(SparkContext sc, String description) {
    this.sc = sc;
    this.savedGroup = sc.getLocalProperty(GROUP);
    this.savedDescription = sc.getLocalProperty(DESCRIPTION);
    this.savedInterrupt = sc.getLocalProperty(INTERRUPT);
    this.description = description;
  }

  /**
   * Puts the calling thread's jobs in group {@code group} with {@code description} until {@link
   * #close}: {@code sc.cancelJobGroup(group)} cancels them (without interrupting task threads).
   */
  public static JobLabels group(SparkContext sc, String group, String description) {
    Objects.requireNonNull(sc, "sc");
    Objects.requireNonNull(group, "group");
    JobLabels labels = new JobLabels(sc, description);
    sc.setJobGroup(group, description, false);
    return labels;
  }

  /** Runs {@code body} with its jobs described as {@code description}, then this scope's description again. */
  public <T> T describing(String description, Supplier<T> body) {
    String before = sc.getLocalProperty(DESCRIPTION);
    sc.setJobDescription(description);
    try {
      return body.get();
    } finally {
      sc.setLocalProperty(DESCRIPTION, before);
    }
  }

  /** The description this scope set. */
  public String description() {
    return description;
  }

  /** Restores the group, description and interrupt flag the thread had before (unset ones are unset). */
  @Override
  public void close() {
    sc.setLocalProperty(GROUP, savedGroup);
    sc.setLocalProperty(DESCRIPTION, savedDescription);
    sc.setLocalProperty(INTERRUPT, savedInterrupt);
  }
}
