package io.sparkps.spark;

import java.io.Serializable;
import java.util.Objects;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Named accumulators of one training job, shown per stage and per task on the Spark UI's stage
 * page and in the REST API's {@code /stages}: keys pulled, keys pushed, milliseconds blocked in
 * {@code clock()}, rows trained. Each training task counts in plain fields of its {@link
 * WorkerContext} and adds them here once, when it succeeds (Spark merges the updates of successful
 * tasks only, so a retried task is not counted twice). Created on the driver; shipped in the task.
 */
public final class TaskCounters implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The accumulators' names, as the Spark UI shows them. */
  public static final String KEYS_PULLED = "spark-ps keys pulled";
  public static final String KEYS_PUSHED = "spark-ps keys pushed";
  public static final String CLOCK_WAIT_MS = "spark-ps clock wait ms";
  public static final String ROWS_TRAINED = "spark-ps rows trained";

  private final LongAccumulator keysPulled;
  private final LongAccumulator keysPushed;
  private final LongAccumulator clockWaitMs;
  private final LongAccumulator rowsTrained;

  private TaskCounters(SparkContext sc) {
    keysPulled = sc.longAccumulator(KEYS_PULLED);
    keysPushed = sc.longAccumulator(KEYS_PUSHED);
    clockWaitMs = sc.longAccumulator(CLOCK_WAIT_MS);
    rowsTrained = sc.longAccumulator(ROWS_TRAINED);
  }

  /** Four fresh accumulators registered with {@code sc} under the names above. Driver only. */
  public static TaskCounters register(SparkContext sc) {
    return new TaskCounters(Objects.requireNonNull(sc, "sc"));
  }

  /** Keys (rows of tables) the tasks pulled, as they reported with {@link WorkerContext#countPulled}. */
  public long keysPulled() {
    return keysPulled.value();
  }

  /** Keys the tasks pushed through their {@link WorkerContext} (every table, loss sums included). */
  public long keysPushed() {
    return keysPushed.value();
  }

  /** Milliseconds the tasks spent in {@link WorkerContext#clock()}, summed over tasks. */
  public long clockWaitMs() {
    return clockWaitMs.value();
  }

  /** Rows the tasks trained on, as they reported with {@link WorkerContext#countRows}. */
  public long rowsTrained() {
    return rowsTrained.value();
  }

  /** Called once per successful task with what it counted. */
  void add(long pulled, long pushed, long clockWaitNanos, long rows) {
    keysPulled.add(pulled);
    keysPushed.add(pushed);
    clockWaitMs.add(clockWaitNanos / 1_000_000);
    rowsTrained.add(rows);
  }

  @Override
  public String toString() {
    return "TaskCounters[keysPulled=" + keysPulled() + ", keysPushed=" + keysPushed() + ", clockWaitMs="
        + clockWaitMs() + ", rowsTrained=" + rowsTrained() + "]";
  }
}
