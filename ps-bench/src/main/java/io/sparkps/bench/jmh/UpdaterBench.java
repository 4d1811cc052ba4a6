package io.sparkps.bench.jmh;

import io.sparkps.core.update.Updater;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.core.update.Updaters;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Each built-in updater applying one pushed row of {@code dim} floats, cycling over 4,096 rows of
 * a slab laid out as a shard stores them (weights then optimizer state). Scores are rows per
 * second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class UpdaterBench {

  private static final int ROWS = 4096;

  @Param({"sum", "sgd", "adagrad", "adam", "ftrl"})
  public String updater;

  @Param({"16"})
  public int dim;

  private Updater u;
  private float[] slab;
  private float[][] deltas;
  private int width;
  private int i;

  @Setup(Level.Trial)
  public void setUp() {
    UpdaterSpec spec = switch (updater) {
      case "sum" -> UpdaterSpec.sum();
      case "sgd" -> UpdaterSpec.sgd(0.1);
      case "adagrad" -> UpdaterSpec.adagrad(0.05);
      case "adam" -> UpdaterSpec.adam(0.001);
      case "ftrl" -> UpdaterSpec.ftrl(0.1, 1.0, 0.01, 0.01);
      default -> throw new IllegalArgumentException("unknown updater: " + updater);
    };
    u = Updaters.create(spec);
    width = dim + u.stateWidth(dim);
    slab = new float[ROWS * width];
    SplittableRandom rnd = new SplittableRandom(11);
    for (int r = 0; r < ROWS; r++) {
      for (int j = 0; j < dim; j++) {
        slab[r * width + j] = (float) (rnd.nextDouble() - 0.5) * 0.02f;
      }
      u.initState(slab, r * width, dim);
    }
    deltas = new float[16][dim];
    for (float[] d : deltas) {
      for (int j = 0; j < dim; j++) {
        d[j] = (float) (rnd.nextDouble() - 0.5) * 0.1f;
      }
    }
  }

  @Benchmark
  public float[] apply() {
    int r = i++ & (ROWS - 1);
    u.apply(slab, r * width, dim, deltas[r & 15], 0);
    return slab;
  }
}
