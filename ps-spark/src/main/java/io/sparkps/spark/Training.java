package io.sparkps.spark;

import static io.sparkps.core.check.Checks.requireArgument;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.clock.RunStats;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;

/**
 * A training run whose data, name and consistency model are fixed, waiting for its function:
 * {@link PsContext#training} fixes the element type {@code T} first, so {@link #run} takes a lambda
 * without explicit parameter types in Scala as well as in Java (Scala 2.13 cannot infer them for
 * {@link PsContext#train}, whose {@code T} and function come in one parameter list).
 *
 * <pre>{@code
 * // Scala
 * ps.training(rdd, "lr", Consistency.ssp(2)).run { (worker, rows) => ... worker.clock() }
 * // Java
 * ps.training(rdd, "lr", Consistency.ssp(2)).run((worker, rows) -> { ... worker.clock(); });
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@link #run} may be called more than once (each call is a
 * {@link PsContext#train} of the same run, which resumes where the run's workers stopped).
 *
 * @param <T> the type of the data's elements
 */
public final class Training<T> {

  private final PsContext ps;
  private final JavaRDD<T> data;
  private final String run;
  private final Consistency consistency;
  private final String label;
  private final TaskCounters counters;

  Training(PsContext ps, JavaRDD<T> data, String run, Consistency consistency) {
    this(ps, data, run, consistency, null, null);
  }

  private Training(PsContext ps, JavaRDD<T> data, String run, Consistency consistency, String label,
      TaskCounters counters) {
    this.ps = Objects.requireNonNull(ps, "ps");
    this.data = Objects.requireNonNull(data, "data");
    requireArgument(run != null && !run.isBlank(), "run name must not be blank: run=%s", run);
    this.run = run;
    this.consistency = Objects.requireNonNull(consistency, "consistency");
    this.label = label;
    this.counters = counters;
  }

  /**
   * The same training whose Spark jobs' description starts with {@code label} (then {@code |
   * spark-ps training run <run> (<consistency>, attempt n)}), e.g. the estimator and epoch.
   */
  public Training<T> labelled(String label) {
    return new Training<>(ps, data, run, consistency, label, counters);
  }

  /**
   * The same training whose tasks add what they did to {@code counters} (to read them afterwards);
   * without it each {@link #run} registers fresh ones, visible in the Spark UI all the same.
   */
  public Training<T> counting(TaskCounters counters) {
    return new Training<>(ps, data, run, consistency, label, Objects.requireNonNull(counters, "counters"));
  }

  /**
   * Trains: {@code fn} runs once per partition, partition i being worker i, exactly as
   * {@link PsContext#train}{@code (data, run, consistency, fn)}, which this calls.
   *
   * @return the run's statistics
   */
  public RunStats run(TrainFunction<T> fn) {
    Objects.requireNonNull(fn, "fn");
    return ps.train(data, run, consistency, label,
        counters != null ? counters : TaskCounters.register(ps.sparkContext().sc()), fn);
  }

  /** The data trained over: partition i is worker i. */
  public JavaRDD<T> data() {
    return data;
  }

  /** The run's name. */
  public String name() {
    return run;
  }

  public Consistency consistency() {
    return consistency;
  }

  @Override
  public String toString() {
    return "Training{run=" + run + ", " + consistency + ", partitions=" + data.getNumPartitions()
        + (label == null ? "" : ", label=" + label) + "}";
  }
}
