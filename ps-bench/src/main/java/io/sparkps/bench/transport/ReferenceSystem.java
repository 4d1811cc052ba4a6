package io.sparkps.bench.transport;

import java.io.IOException;

/** {@link ReferenceServer} in this JVM, each session a {@link ReferenceClient}. Thread-safe. */
final class ReferenceSystem implements BenchSystem {

  static final String NAME = "reference";

  private final ReferenceServer server;

  ReferenceSystem(int denseFloats, int dim, int keys) throws IOException {
    this.server = ReferenceServer.start(denseFloats, dim, keys);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void load(float[] dense, long[] keys, float[] values) {
    server.loadDense(dense);
    server.loadSparse(keys, values);
  }

  @Override
  public Session openSession() throws IOException {
    ReferenceClient c = ReferenceClient.connect(server.port());
    return new Session() {
      @Override
      public float[] densePull(BenchTable table) throws IOException {
        return c.densePull(table);
      }

      @Override
      public void densePush(BenchTable table, float[] values) throws IOException {
        c.densePush(table, values);
      }

      @Override
      public float[] sparsePull(BenchTable table, long[] keys) throws IOException {
        return c.sparsePull(table, keys);
      }

      @Override
      public void sparsePush(BenchTable table, long[] keys, float[] values) throws IOException {
        c.sparsePush(table, keys, values);
      }

      @Override
      public void close() throws IOException {
        c.close();
      }
    };
  }

  @Override
  public void close() {
    server.close();
  }
}
