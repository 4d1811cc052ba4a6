package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkps.core.checkpoint.CheckpointPolicy;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.client.Worker;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.metrics.ServerMetrics;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expiry and admission through real servers on loopback: the options travel with the table's
 * creation, rows idle for the clock limit go (and stay gone after a checkpoint and restore),
 * keys below the admission count get no row, and the servers' metrics count both exactly.
 */
class ExpiryAndAdmissionTest {

  private static final float INIT = 0.25f;

  @TempDir
  Path dir;

  private static long[] keys(long from, long to) {
    return LongStream.range(from, to).toArray();
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    Arrays.fill(a, v);
    return a;
  }

  private static long sum(TestCluster cluster, ToLongFunction<ServerMetrics> counter) {
    return cluster.servers.stream().mapToLong(s -> counter.applyAsLong(s.metrics())).sum();
  }

  @Test
  void rowsIdleForTheClockLimitAreEvictedAndStayGoneAfterARestore() throws Exception {
    TableSpec spec = TableSpec.sparse("f", 1).withInitializer(InitializerSpec.constant(INIT))
        .withExpireAfterClocks(2);
    long[] a = keys(0, 1000);
    long[] b = keys(1000, 1500);
    try (TestCluster cluster = new TestCluster(2)) {
      cluster.scheduler.configureCheckpoints(CheckpointPolicy.onDemand(dir.toString()));
      PsClient client = cluster.client();
      SparseTable t = client.createSparseTable(spec);
      assertEquals(spec, client.routing().table("f").orElseThrow().spec(), "the options reach the routing");
      Worker w = Worker.register(client, "stream", 0, 1, Consistency.bsp());
      w.push(t, a, filled(a.length, 1f));     // clock 0: every shard's clock becomes 1
      w.clock();
      w.push(t, b, filled(b.length, 1f));     // clock 1: shards at 2; rows of a 1 clock idle
      w.clock();
      assertEquals(1500, t.size());
      assertEquals(0, sum(cluster, ServerMetrics::rowsEvicted));
      // Clock 2: rows of a are 2 clocks idle on every shard this clock's pushes reach (a shard's
      // clock moves with the pushes it receives), and 2000 new keys reach them all. Each shard's
      // sweep (4 slots per key written, more than the shard's slots) removes exactly those rows;
      // key 0 goes with them and its write then recreates it.
      long[] c = keys(5000, 7000);
      w.push(t, c, filled(c.length, 1f));
      w.push(t, new long[] {0}, new float[] {7f});
      w.clock();
      assertEquals(1000, sum(cluster, ServerMetrics::rowsEvicted));
      assertEquals(500 + 2000 + 1, t.size());
      assertEquals(INIT + 7f, t.pull(new long[] {0})[0], "a key returning after expiry starts fresh");
      float[] gone = t.pull(keys(1, 1000));
      for (float v : gone) {
        assertEquals(INIT, v, "an evicted row pulls the initial value");
      }
      for (float v : t.pull(b)) {
        assertEquals(INIT + 1f, v, "a row written within the limit stays");
      }
      w.finish();

      cluster.scheduler.checkpoint().get(60, TimeUnit.SECONDS);
      try (TestCluster restored = new TestCluster(2)) {
        restored.scheduler.restore(dir.toString()).get(60, TimeUnit.SECONDS);
        PsClient rc = restored.client();
        SparseTable r = rc.sparseTable("f");
        assertEquals(spec, rc.routing().table("f").orElseThrow().spec(), "the options are restored too");
        assertEquals(2501, r.size(), "evicted rows do not come back");
        assertEquals(INIT, r.pull(new long[] {999})[0]);
        assertEquals(INIT + 1f, r.pull(new long[] {1499})[0]);
      }
    }
  }

  @Test
  void keysBelowTheAdmissionCountGetNoRowAndTheKthPushCreatesIt() throws Exception {
    TableSpec spec = TableSpec.sparse("adm", 2).withInitializer(InitializerSpec.constant(INIT)).withAdmitAfter(3);
    try (TestCluster cluster = new TestCluster(2)) {
      SparseTable t = cluster.client().createSparseTable(spec);
      long[] hot = keys(0, 100);
      t.push(hot, filled(200, 10f));
      t.push(hot, filled(200, 10f));
      assertEquals(0, t.size(), "pushed twice: no row");
      float[] pulled = t.pull(hot);
      for (float v : pulled) {
        assertEquals(INIT, v, "a key not yet admitted pulls the initial value");
      }
      assertEquals(0, t.size(), "and the pull creates none");
      t.push(hot, filled(200, 2f));
      assertEquals(100, t.size());
      for (float v : t.pull(hot)) {
        assertEquals(INIT + 2f, v, "only the admitting push is applied");
      }
      assertEquals(100, sum(cluster, ServerMetrics::keysAdmitted));
      assertEquals(200, sum(cluster, ServerMetrics::keysDeferred));

      // An endless stream of new keys, each seen once, leaves no rows: the sketch is all it costs.
      for (long from = 1000; from < 201_000; from += 10_000) {
        t.push(keys(from, from + 10_000), filled(20_000, 1f));
      }
      assertEquals(100, t.size());
      assertEquals(100, sum(cluster, ServerMetrics::keysAdmitted));
      assertEquals(200 + 200_000, sum(cluster, ServerMetrics::keysDeferred));
    }
  }

  @Test
  void aReplayedPushThatAdmissionDroppedIsNotCountedAgain() throws Exception {
    TableSpec spec = TableSpec.sparse("once", 1).withInitializer(InitializerSpec.constant(INIT)).withAdmitAfter(2);
    try (TestCluster cluster = new TestCluster(1)) {
      PsClient client = cluster.client();
      SparseTable t = client.createSparseTable(spec);
      Worker w = Worker.register(client, "replay", 0, 1, Consistency.bsp());
      long[] k = {42};
      w.push(t, k, new float[] {1f});   // clock 0: counted, dropped, and applied for exactly-once
      w.clock();
      w.resumeFrom(0);                  // a retried task replays clock 0
      w.push(t, k, new float[] {1f});
      w.clock();
      assertEquals(0, t.size(), "the replay was recognised: the sketch still counts one push");
      assertEquals(1, cluster.servers.get(0).metrics().keysDeferred());
      w.push(t, k, new float[] {3f});   // clock 1: the second push admits the key
      w.clock();
      assertEquals(INIT + 3f, t.pull(k)[0]);
      assertEquals(1, cluster.servers.get(0).metrics().keysAdmitted());
      w.finish();
    }
  }
}
