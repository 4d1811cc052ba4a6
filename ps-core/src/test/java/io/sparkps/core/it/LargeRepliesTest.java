package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkps.core.client.DenseTable;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.config.TableSpec;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replies larger than a socket read (streamed into the caller's array as they arrive) come back
 * exactly as the server holds them over loopback TCP: a dense row, a sparse pull split over two
 * shards (rows scattered back into key order), into a caller's array at an offset, and a
 * push's returned rows.
 */
class LargeRepliesTest {

  private static TestCluster cluster;
  private static PsClient client;

  @BeforeAll
  static void start() throws Exception {
    cluster = new TestCluster(1);
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = r.nextFloat() - 0.5f;
    }
    return f;
  }

  @Test
  void aDenseRowOfAMegabyteComesBackWhole() {
    int dim = 300_000;
    DenseTable t = client.createDenseTable(TableSpec.dense("large-dense", 2, dim));
    long[] rows = {0, 1};
    float[] values = random(2 * dim, 1);
    t.assign(rows, values);
    assertArrayEquals(values, t.pull(rows));
    float[] out = new float[2 * dim + 5];
    Arrays.fill(out, 7f);
    t.pullInto(rows, out, 5);
    assertArrayEquals(values, Arrays.copyOfRange(out, 5, out.length));
    assertArrayEquals(new float[] {7f, 7f, 7f, 7f, 7f}, Arrays.copyOf(out, 5), "nothing before the offset");
  }

  @Test
  void aSparsePullOverTwoShardsComesBackInKeyOrder() {
    int dim = 16;
    SparseTable t = client.createSparseTable(TableSpec.sparse("large-sparse", dim));
    assertEquals(2, client.routing().table("large-sparse").orElseThrow().numShards(), "one shard per lane");
    long[] keys = new long[20_000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = 3L * i + 11;
    }
    float[] values = random(keys.length * dim, 2);
    t.assign(keys, values);
    assertArrayEquals(values, t.pull(keys));
    float[] out = new float[values.length + 3];
    t.pullInto(keys, out, 3);
    assertArrayEquals(values, Arrays.copyOfRange(out, 3, out.length));
    float[] grad = random(values.length, 3);
    float[] after = t.pushPull(keys, grad);
    float[] expected = new float[values.length];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = values[i] + grad[i];
    }
    assertArrayEquals(expected, after, 1e-6f);
  }
}
