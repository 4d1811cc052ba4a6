package io.sparkps.bench.transport;

import io.sparkps.core.client.DenseTable;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.scheduler.PsScheduler;
import io.sparkps.core.server.PsServer;
import io.sparkps.core.update.UpdaterSpec;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * spark-ps in this JVM: one scheduler, one server (or more, for experiments), and a {@link PsClient} per session (each with
 * its own event loops, callback threads and connection, as each Spark executor would have).
 * Thread-safe.
 */
final class SparkPsSystem implements BenchSystem {

  static final String NAME = "spark-ps";
  /** Keys per assign request while loading. */
  private static final int LOAD_CHUNK = 50_000;

  private final PsConfig config;
  private final PsScheduler scheduler;
  private final java.util.List<PsServer> servers;
  private final PsClient admin;

  /** {@code servers} servers in this JVM; each table gets one shard per server. */
  SparkPsSystem(PsConfig config, int denseFloats, int dim, int servers) throws Exception {
    this.config = config;
    PsScheduler sch = PsScheduler.start(config);
    java.util.List<PsServer> srv = new java.util.ArrayList<>();
    PsClient adm = null;
    try {
      for (int i = 0; i < servers; i++) {
        srv.add(PsServer.start(config, 0, sch.host(), sch.port()));
      }
      sch.awaitServers(servers).get(30, TimeUnit.SECONDS);
      adm = PsClient.connect(config, sch.host(), sch.port());
      for (BenchTable t : BenchTable.values()) {
        TableSpec spec = t.dense() ? TableSpec.dense(t.tableName(), 1, denseFloats) : TableSpec.sparse(t.tableName(), dim);
        if (t.adagrad()) {
          spec = spec.withUpdater(UpdaterSpec.adagrad(RefProtocol.ADAGRAD_LR, RefProtocol.ADAGRAD_EPS));
        }
        adm.createTableAsync(spec).get(60, TimeUnit.SECONDS);
      }
    } catch (Exception | Error e) {
      if (adm != null) {
        adm.close();
      }
      srv.forEach(PsServer::close);
      sch.close();
      throw e;
    }
    this.scheduler = sch;
    this.servers = srv;
    this.admin = adm;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void load(float[] dense, long[] keys, float[] values) {
    long[] row = {0};
    for (BenchTable t : BenchTable.values()) {
      if (t.dense()) {
        admin.denseTable(t.tableName()).assign(row, dense);
      } else {
        SparseTable table = admin.sparseTable(t.tableName());
        int dim = table.dim();
        for (int from = 0; from < keys.length; from += LOAD_CHUNK) {
          int to = Math.min(keys.length, from + LOAD_CHUNK);
          table.assign(Arrays.copyOfRange(keys, from, to), Arrays.copyOfRange(values, from * dim, to * dim));
        }
      }
    }
  }

  @Override
  public Session openSession() throws Exception {
    PsClient client = PsClient.connect(config, scheduler.host(), scheduler.port());
    Map<BenchTable, DenseTable> dense = new EnumMap<>(BenchTable.class);
    Map<BenchTable, SparseTable> sparse = new EnumMap<>(BenchTable.class);
    for (BenchTable t : BenchTable.values()) {
      if (t.dense()) {
        dense.put(t, client.denseTable(t.tableName()));
      } else {
        sparse.put(t, client.sparseTable(t.tableName()));
      }
    }
    long[] row = {0};
    return new Session() {
      @Override
      public float[] densePull(BenchTable table) {
        return dense.get(table).pull(row);
      }

      @Override
      public void densePush(BenchTable table, float[] values) {
        dense.get(table).push(row, values);
      }

      @Override
      public float[] sparsePull(BenchTable table, long[] keys) {
        return sparse.get(table).pull(keys);
      }

      @Override
      public void sparsePush(BenchTable table, long[] keys, float[] values) {
        sparse.get(table).push(keys, values);
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }

  @Override
  public void close() {
    admin.close();
    servers.forEach(PsServer::close);
    scheduler.close();
  }
}
