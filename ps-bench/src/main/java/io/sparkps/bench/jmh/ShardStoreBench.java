package io.sparkps.bench.jmh;

import io.sparkps.core.storage.Initializer;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.storage.SparseShardStore;
import io.sparkps.core.update.SumUpdater;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The on-heap sparse shard store against a boxed {@code HashMap<Long, float[]>} baseline, both
 * prepopulated with {@code keys} rows of {@code dim} floats (sum updater), keys drawn at random
 * from the populated ones. {@code pull}/{@code push}: one key per call (the store's batch API with
 * length 1); {@code pullBatch}/{@code pushBatch}: 10,000 sorted keys per call, as a server applies
 * one request; {@code pullBatchToBuffer}: the same pull into a direct little-endian buffer, as a
 * server writes a reply frame. Scores are keys per second. Single-threaded, as a shard lane is.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ShardStoreBench {

  static final int BATCH = 10_000;

  @Param({"SparseShardStore", "HashMap"})
  public String impl;

  @Param({"1000000"})
  public int keys;

  @Param({"16"})
  public int dim;

  /** The store under test. */
  interface Store {
    void pull(long[] keys, int off, int len, float[] out);

    void push(long[] keys, int off, int len, float[] deltas);

    /** Pull into a little-endian direct buffer, as a server writes a reply frame. */
    void pull(long[] keys, int off, int len, FloatBuffer out);
  }

  private Store store;

  @Setup(Level.Trial)
  public void setUp() {
    float[] row = new float[dim];
    Arrays.fill(row, 0.5f);
    switch (impl) {
      case "SparseShardStore" -> {
        SparseShardStore s = new SparseShardStore(dim, SumUpdater.INSTANCE, Initializer.of(InitializerSpec.zeros()));
        long[] one = new long[1];
        for (long k = 0; k < keys; k++) {
          one[0] = k;
          s.assign(one, 0, 1, row, 0);
        }
        store = new Store() {
          @Override
          public void pull(long[] keys, int off, int len, float[] out) {
            s.pull(keys, off, len, out, 0);
          }

          @Override
          public void push(long[] keys, int off, int len, float[] deltas) {
            s.push(keys, off, len, deltas, 0);
          }

          @Override
          public void pull(long[] keys, int off, int len, FloatBuffer out) {
            s.pull(keys, off, len, out);
          }
        };
      }
      case "HashMap" -> {
        HashMap<Long, float[]> m = new HashMap<>();
        for (long k = 0; k < keys; k++) {
          m.put(k, row.clone());
        }
        int d = dim;
        store = new Store() {
          @Override
          public void pull(long[] keys, int off, int len, float[] out) {
            for (int i = 0; i < len; i++) {
              float[] r = m.get(keys[off + i]);
              if (r == null) {
                Arrays.fill(out, i * d, i * d + d, 0f);
              } else {
                System.arraycopy(r, 0, out, i * d, d);
              }
            }
          }

          @Override
          public void pull(long[] keys, int off, int len, FloatBuffer out) {
            for (int i = 0; i < len; i++) {
              float[] r = m.get(keys[off + i]);
              if (r == null) {
                for (int j = 0; j < d; j++) {
                  out.put(0f);
                }
              } else {
                out.put(r, 0, d);
              }
            }
          }

          @Override
          public void push(long[] keys, int off, int len, float[] deltas) {
            for (int i = 0; i < len; i++) {
              float[] r = m.computeIfAbsent(keys[off + i], k -> new float[d]);
              for (int j = 0; j < d; j++) {
                r[j] += deltas[i * d + j];
              }
            }
          }
        };
      }
      default -> throw new IllegalArgumentException("unknown impl: " + impl + " (SparseShardStore, HashMap)");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    store = null;
  }

  /** Per-thread random keys (single keys and sorted batches) and buffers. */
  @State(Scope.Thread)
  public static class Cursor {
    long[] single;
    long[][] batches;
    float[] out;
    /** A direct little-endian buffer of one batch's rows: the body of a reply frame. */
    FloatBuffer frame;
    float[] deltas;
    int i;

    @Setup(Level.Trial)
    public void setUp(ShardStoreBench b) {
      SplittableRandom rnd = new SplittableRandom(7);
      single = rnd.longs(1 << 16, 0, b.keys).toArray();
      batches = new long[8][];
      for (int s = 0; s < batches.length; s++) {
        batches[s] = rnd.longs(4L * BATCH, 0, b.keys).distinct().limit(BATCH).sorted().toArray();
      }
      out = new float[BATCH * b.dim];
      frame = ByteBuffer.allocateDirect(BATCH * b.dim * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      deltas = new float[BATCH * b.dim];
      Arrays.fill(deltas, 1e-3f);
    }
  }

  @Benchmark
  public float[] pull(Cursor c) {
    store.pull(c.single, c.i++ & 0xFFFF, 1, c.out);
    return c.out;
  }

  @Benchmark
  public void push(Cursor c) {
    store.push(c.single, c.i++ & 0xFFFF, 1, c.deltas);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public float[] pullBatch(Cursor c) {
    store.pull(c.batches[c.i++ & 7], 0, BATCH, c.out);
    return c.out;
  }

  /** pullBatch writing into a reply frame's buffer (what the server does) instead of a float[]. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public FloatBuffer pullBatchToBuffer(Cursor c) {
    c.frame.clear();
    store.pull(c.batches[c.i++ & 7], 0, BATCH, c.frame);
    return c.frame;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void pushBatch(Cursor c) {
    store.push(c.batches[c.i++ & 7], 0, BATCH, c.deltas);
  }
}
