package io.sparkps.spark.testing;

import io.sparkps.core.config.TableSpec;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.ml.SparseExample;
import io.sparkps.ml.evaluation.Metrics;
import io.sparkps.spark.PsContext;
import io.sparkps.spark.SparseTableHandle;
import io.sparkps.spark.TrainFunction;
import io.sparkps.spark.WorkerContext;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The training the fault tests run, written against the public API only (the deployment job runs
 * it from an application jar): mini-batch logistic regression, a clock per batch, on rows from a
 * fixed sparse logistic model, plus a sum table counting each worker's clocks. The counts end
 * exactly at the number of clocks only if every push was applied once, across any failure.
 */
public final class CountedLr {

  public static final int FEATURES = 2_000;
  public static final int BATCH = 500;

  /** What a test does to the cluster when a worker reaches a clock (kill or pause an executor). */
  @FunctionalInterface
  public interface Fault extends Serializable {
    /** Called by every worker before each batch; most calls do nothing. */
    void before(WorkerContext worker, long clock) throws Exception;
  }

  private CountedLr() {}

  /** Rows with 10 of {@link #FEATURES} active features; {@code split} picks the seed. */
  public static JavaRDD<SparseExample> generate(JavaSparkContext jsc, int split, int rows) {
    return jsc.parallelize(List.of(0, 1), 2).flatMap(p -> {
      Random rnd = new Random(1000L * split + p);
      List<SparseExample> out = new ArrayList<>();
      for (int i = 0; i < rows / 2; i++) {
        long[] idx = rnd.ints(0, FEATURES).distinct().limit(10).sorted().asLongStream().toArray();
        float[] val = new float[idx.length];
        Arrays.fill(val, 1f);
        out.add(new SparseExample(rnd.nextDouble() < prob(idx) ? 1 : 0, idx, val));
      }
      return out.iterator();
    });
  }

  /** The true model's probability of label 1 for a row with these (unit-valued) features. */
  public static double prob(long[] idx) {
    double z = -0.3;
    for (long j : idx) {
      z += new Random(j * 7919L).nextGaussian();
    }
    return 1 / (1 + Math.exp(-z));
  }

  /** Held-out logloss of the constant model (the label rate). */
  public static double constantLogLoss(List<SparseExample> rows) {
    double rate = rows.stream().mapToDouble(SparseExample::label).average().orElse(0.5);
    double[] p = new double[rows.size()];
    Arrays.fill(p, rate);
    return Metrics.logLoss(p, rows.stream().mapToDouble(SparseExample::label).toArray());
  }

  /** Clocks per worker for {@code rows} rows over {@code workers} partitions and {@code epochs} epochs. */
  public static long clocks(int rows, int workers, int epochs) {
    return epochs * (long) Math.ceil(rows / (double) workers / BATCH);
  }

  /** The tables of one training: the model and the per-worker clock counts. */
  public record Tables(SparseTableHandle weights, SparseTableHandle counts) implements Serializable {

    public static Tables create(PsContext ps, String name) {
      return new Tables(ps.sparseTable(TableSpec.sparse(name + "-w", 1).withUpdater(UpdaterSpec.adagrad(0.1))),
          ps.sparseTable(TableSpec.sparse(name + "-counts", 1)));
    }

    /** Each worker's clock count, as the sum table holds it. */
    public float[] counts(int workers) {
      long[] keys = new long[workers];
      Arrays.setAll(keys, i -> i);
      return counts.pull(keys);
    }

    public double heldOutLogLoss(List<SparseExample> rows) {
      TreeSet<Long> keys = new TreeSet<>();
      rows.forEach(r -> Arrays.stream(r.indices()).forEach(keys::add));
      long[] k = keys.stream().mapToLong(Long::longValue).toArray();
      float[] w = weights.pull(k);
      double[] p = new double[rows.size()];
      double[] y = new double[rows.size()];
      for (int i = 0; i < p.length; i++) {
        double z = 0;
        for (long j : rows.get(i).indices()) {
          z += w[Arrays.binarySearch(k, j)];
        }
        p[i] = 1 / (1 + Math.exp(-z));
        y[i] = rows.get(i).label();
      }
      return Metrics.logLoss(p, y);
    }

    /** The training function: {@code epochs} passes, a clock per batch, {@code fault} before each batch. */
    public TrainFunction<SparseExample> function(int rows, int workers, int epochs, Fault fault) {
      return new Function(this, rows, workers, epochs, fault);
    }
  }

  private static final class Function implements TrainFunction<SparseExample> {
    private static final long serialVersionUID = 1L;

    private final Tables tables;
    private final int rows;
    private final int workers;
    private final int epochs;
    private final Fault fault;

    Function(Tables tables, int rows, int workers, int epochs, Fault fault) {
      this.tables = tables;
      this.rows = rows;
      this.workers = workers;
      this.epochs = epochs;
      this.fault = fault;
    }

    @Override
    public void train(WorkerContext worker, Iterator<SparseExample> it) throws Exception {
      List<SparseExample> list = new ArrayList<>();
      it.forEachRemaining(list::add);
      int batches = (int) Math.ceil(rows / (double) workers / BATCH);
      long total = clocks(rows, workers, epochs);
      for (long c = worker.currentClock(); c < total; c = worker.currentClock()) {
        if (fault != null) {
          fault.before(worker, c);
        }
        int b = (int) (c % batches);
        List<SparseExample> batch = list.subList(Math.min(list.size(), b * BATCH),
            Math.min(list.size(), (b + 1) * BATCH));
        long[] keys = batch.stream().flatMapToLong(e -> Arrays.stream(e.indices())).distinct().sorted().toArray();
        float[] w = tables.weights().pull(keys);
        float[] grad = new float[keys.length];
        for (SparseExample e : batch) {
          double z = 0;
          for (long j : e.indices()) {
            z += w[Arrays.binarySearch(keys, j)];
          }
          float g = (float) (1 / (1 + Math.exp(-z)) - e.label());
          for (long j : e.indices()) {
            grad[Arrays.binarySearch(keys, j)] += g;
          }
        }
        worker.push(tables.weights(), keys, grad);
        worker.push(tables.counts(), new long[] {worker.id()}, new float[] {1});
        worker.clock();
      }
    }
  }
}
