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
  /**
   * The same deployment used as a training loop would use the caller-owned-array API: pulls go
   * into a buffer each session reuses ({@code pullInto}), pushes take the caller's arrays as they
   * are; compared with {@link #NAME} it shows what the allocation-free API saves.
   */
  static final String NAME_INTO = "spark-ps-into";
  /** Keys per assign request while loading. */
  private static final int LOAD_CHUNK = 50_000;

  private final PsConfig config;
  private final PsScheduler scheduler;
  private final java.util.List<PsServer> servers;
  private final PsClient admin;
  private final boolean into;

  /** {@code servers} servers in this JVM; each table gets one shard per server. */
  SparkPsSystem(PsConfig config, int denseFloats, int dim, int servers) throws Exception {
    this(config, denseFloats, dim, servers, false);
  }

  /** @param into whether sessions use pullInto and range pushes ({@link #NAME_INTO}) */
  SparkPsSystem(PsConfig config, int denseFloats, int dim, int servers, boolean into) throws Exception {
    this.config = config;
    this.into = into;
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
    return into ? NAME_INTO : NAME;
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
    return into ? intoSession(client, dense, sparse) : new Session() {
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

  /** Pulls into one buffer per shape that the session reuses (a returned array is valid until the next pull). */
  private static Session intoSession(PsClient client, Map<BenchTable, DenseTable> dense,
      Map<BenchTable, SparseTable> sparse) {
    long[] row = {0};
    return new Session() {
      private float[] denseBuffer = new float[0];
      private float[] sparseBuffer = new float[0];

      @Override
      public float[] densePull(BenchTable table) {
        DenseTable t = dense.get(table);
        int n = t.dim();
        if (denseBuffer.length != n) {
          denseBuffer = new float[n];
        }
        t.pullInto(row, denseBuffer, 0);
        return denseBuffer;
      }

      @Override
      public void densePush(BenchTable table, float[] values) {
        dense.get(table).push(row, 0, 1, values, 0);
      }

      @Override
      public float[] sparsePull(BenchTable table, long[] keys) {
        SparseTable t = sparse.get(table);
        int n = keys.length * t.dim();
        if (sparseBuffer.length != n) {
          sparseBuffer = new float[n];
        }
        t.pullInto(keys, sparseBuffer, 0);
        return sparseBuffer;
      }

      @Override
      public void sparsePush(BenchTable table, long[] keys, float[] values) {
        sparse.get(table).push(keys, 0, keys.length, values, 0);
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
