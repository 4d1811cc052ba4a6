package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.scheduler.PsScheduler;
import io.sparkps.core.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An off-heap table larger than its server's Java heap: a server JVM with a 64 MB heap holds
 * 1.5M rows of 16 floats (about 96 MB of weights alone, ~150 MB in Chronicle Map) and answers
 * every pull exactly. A heap table of that size could not fit.
 */
class OffHeapBeyondHeapTest {

  private static final int ROWS = 1_500_000;
  private static final int DIM = 16;
  private static final int BATCH = 10_000;

  @TempDir
  Path tmp;

  @Test
  void aServerWithA64MbHeapHoldsAnOffHeapTableOfMoreThanTwiceThat() throws Exception {
    Path log = tmp.resolve("server.log");
    try (PsScheduler scheduler = PsScheduler.start(PsConfig.defaults())) {
      Process server = ServerProcess.start(scheduler.host(), scheduler.port(), "64m", log);
      try {
        scheduler.awaitServers(1).get(60, TimeUnit.SECONDS);
        try (PsClient client = PsClient.connect(PsConfig.defaults(), scheduler.host(), scheduler.port())) {
          SparseTable t = client.createSparseTable(TableSpec.sparse("big", DIM).withStorage(TableSpec.Storage.OFFHEAP));
          for (int from = 0; from < ROWS; from += BATCH) {
            t.push(keys(from, BATCH), values(from, BATCH));
          }
          assertEquals(ROWS, t.size());
          for (int from : new int[] {0, 700_000, ROWS - BATCH}) {
            assertArrayEquals(values(from, BATCH), t.pull(keys(from, BATCH)), "rows from " + from);
          }
        }
        assertTrue(server.isAlive(), "the server survived: " + Files.readString(log));
      } finally {
        scheduler.close();
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      }
      assertTrue(!Files.readString(log).contains("OutOfMemoryError"), Files.readString(log));
    }
  }

  /** Keys spread over the whole long range (multiplied by an odd constant), ascending per batch. */
  private static long[] keys(int from, int n) {
    long[] k = new long[n];
    for (int i = 0; i < n; i++) {
      k[i] = (from + i) * 3L + 1;
    }
    return k;
  }

  private static float[] values(int from, int n) {
    float[] v = new float[n * DIM];
    for (int i = 0; i < v.length; i++) {
      v[i] = (from * DIM + i) % 1000 * 0.5f;
    }
    return v;
  }
}
