package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.client.DenseTable;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.Rows;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.TableSpec.Storage;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.update.UpdaterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Off-heap and persisted tables through real servers configured with a {@code storageDir}: they
 * answer like heap tables, persisted shards get one file each, dropping a table deletes its
 * files, and stopping the servers keeps the others, marked closed cleanly.
 */
class StorageTiersTest {

  @TempDir
  Path dir;

  @Test
  void offHeapAndPersistedTablesAnswerLikeHeapTables() throws Exception {
    PsConfig config = PsConfig.builder().shardThreads(2).ioThreads(2).storageDir(dir.toString()).build();
    int keepId;
    int keptShards;
    int droppedId;
    try (TestCluster cluster = new TestCluster(2, config, Ticker.systemTicker())) {
      PsClient client = cluster.client();
      int dim = 3;
      TableSpec base = TableSpec.sparse("heap", dim).withUpdater(UpdaterSpec.adagrad(0.1));
      SparseTable heap = client.createSparseTable(base);
      SparseTable off = client.createSparseTable(TableSpec.sparse("off", dim)
          .withUpdater(UpdaterSpec.adagrad(0.1)).withStorage(Storage.OFFHEAP));
      SparseTable kept = client.createSparseTable(TableSpec.sparse("kept", dim)
          .withUpdater(UpdaterSpec.adagrad(0.1)).withStorage(Storage.PERSISTED));
      Random rnd = new Random(3);
      for (int round = 0; round < 20; round++) {
        TreeSet<Long> set = new TreeSet<>();
        while (set.size() < 50) {
          set.add(rnd.nextLong() % 10_000);
        }
        long[] keys = set.stream().mapToLong(Long::longValue).toArray();
        float[] g = new float[keys.length * dim];
        for (int i = 0; i < g.length; i++) {
          g[i] = (float) rnd.nextGaussian();
        }
        for (SparseTable t : List.of(heap, off, kept)) {
          t.push(keys, g);
        }
        assertArrayEquals(heap.pull(keys), off.pull(keys));
        assertArrayEquals(heap.pull(keys), kept.pull(keys));
      }
      Rows all = heap.pullAll();
      for (SparseTable t : List.of(off, kept)) {
        Rows rows = t.pullAll();
        assertArrayEquals(all.keys(), rows.keys());
        assertArrayEquals(all.values(), rows.values());
        assertEquals(heap.size(), t.size());
      }

      DenseTable dense = client.createDenseTable(TableSpec.dense("w", 100, 2).withStorage(Storage.PERSISTED));
      dense.push(new long[] {0, 99}, new float[] {1, 2, 3, 4});
      float[] range = dense.pullRange(0, 100);
      assertEquals(1f, range[0]);
      assertEquals(4f, range[199]);

      keepId = client.routing().table("kept").orElseThrow().tableId();
      droppedId = client.routing().table("w").orElseThrow().tableId();
      keptShards = client.routing().table("kept").orElseThrow().numShards();
      int denseShards = client.routing().table("w").orElseThrow().numShards();
      Set<String> both = new java.util.HashSet<>(files(keepId, keptShards));
      both.addAll(files(droppedId, denseShards));
      assertEquals(both, shardFiles());
      client.dropTable("w");
    }
    // Servers are stopped: the dropped table's files are gone, the other's are closed cleanly.
    assertEquals(files(keepId, keptShards), shardFiles());
    for (int shard = 0; shard < keptShards; shard++) {
      String meta = Files.readString(dir.resolve("table-" + keepId + "-shard-" + shard + ".cmap.meta"));
      assertTrue(meta.contains("clean=true"), meta);
      assertTrue(meta.contains("table=kept"), meta);
    }
  }

  /**
   * The restart promise through real servers: a new deployment (scheduler and servers) on the same
   * storageDir that creates the same tables in the same order (so they get the same ids and shard
   * counts) reopens the persisted shard files with every row and its optimizer state: pulls
   * return what was there, and the next push gives what it gives a table that never stopped.
   */
  @Test
  void persistedShardsReopenWithRowsAndOptimizerStateWhenANewDeploymentStartsOnTheirDirectory()
      throws Exception {
    PsConfig config = PsConfig.builder().shardThreads(2).ioThreads(2).storageDir(dir.toString()).build();
    int dim = 3;
    TableSpec sparse = TableSpec.sparse("kept", dim).withUpdater(UpdaterSpec.adagrad(0.1))
        .withStorage(Storage.PERSISTED);
    TableSpec dense = TableSpec.dense("w", 50, dim).withUpdater(UpdaterSpec.adam(0.05))
        .withStorage(Storage.PERSISTED);
    long[] sparseKeys = {-5, 3, 17, 1_000, 123_456_789L};
    long[] denseKeys = {0, 7, 25, 49};
    Random rnd = new Random(11);
    float[] sparseBefore;
    float[] denseBefore;
    float[] sparseAfter;
    float[] denseAfter;
    float[] lastSparse = gradient(rnd, sparseKeys.length * dim);
    float[] lastDense = gradient(rnd, denseKeys.length * dim);
    int sparseId;
    int denseId;
    try (TestCluster first = new TestCluster(2, config, Ticker.systemTicker())) {
      PsClient client = first.client();
      SparseTable kept = client.createSparseTable(sparse);
      DenseTable w = client.createDenseTable(dense);
      // Heap twins that never stop: what the persisted tables must match after the restart.
      SparseTable sparseTwin = client.createSparseTable(TableSpec.sparse("kept-twin", dim)
          .withUpdater(UpdaterSpec.adagrad(0.1)));
      DenseTable denseTwin = client.createDenseTable(TableSpec.dense("w-twin", 50, dim)
          .withUpdater(UpdaterSpec.adam(0.05)));
      for (int round = 0; round < 10; round++) {
        float[] gs = gradient(rnd, sparseKeys.length * dim);
        float[] gd = gradient(rnd, denseKeys.length * dim);
        kept.push(sparseKeys, gs);
        sparseTwin.push(sparseKeys, gs);
        w.push(denseKeys, gd);
        denseTwin.push(denseKeys, gd);
      }
      sparseBefore = kept.pull(sparseKeys);
      denseBefore = w.pull(denseKeys);
      assertArrayEquals(sparseTwin.pull(sparseKeys), sparseBefore);
      assertArrayEquals(denseTwin.pull(denseKeys), denseBefore);
      sparseTwin.push(sparseKeys, lastSparse);
      denseTwin.push(denseKeys, lastDense);
      sparseAfter = sparseTwin.pull(sparseKeys);
      denseAfter = denseTwin.pull(denseKeys);
      sparseId = client.routing().table("kept").orElseThrow().tableId();
      denseId = client.routing().table("w").orElseThrow().tableId();
    }
    try (TestCluster second = new TestCluster(2, config, Ticker.systemTicker())) {
      PsClient client = second.client();
      SparseTable kept = client.createSparseTable(sparse);
      DenseTable w = client.createDenseTable(dense);
      assertEquals(sparseId, client.routing().table("kept").orElseThrow().tableId(), "same table id, same files");
      assertEquals(denseId, client.routing().table("w").orElseThrow().tableId(), "same table id, same files");
      assertArrayEquals(sparseBefore, kept.pull(sparseKeys), "sparse rows reopened");
      assertArrayEquals(denseBefore, w.pull(denseKeys), "dense rows reopened");
      assertEquals(sparseKeys.length, kept.size());
      kept.push(sparseKeys, lastSparse);
      w.push(denseKeys, lastDense);
      assertArrayEquals(sparseAfter, kept.pull(sparseKeys), "AdaGrad accumulators reopened too");
      assertArrayEquals(denseAfter, w.pull(denseKeys), "Adam moments and step counts reopened too");
    }
  }

  private static float[] gradient(Random rnd, int n) {
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      g[i] = (float) rnd.nextGaussian();
    }
    return g;
  }

  private static Set<String> files(int tableId, int shards) {
    Set<String> names = new java.util.HashSet<>();
    for (int shard = 0; shard < shards; shard++) {
      names.add("table-" + tableId + "-shard-" + shard + ".cmap");
    }
    return names;
  }

  private Set<String> shardFiles() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cmap")).collect(Collectors.toSet());
    }
  }
}
