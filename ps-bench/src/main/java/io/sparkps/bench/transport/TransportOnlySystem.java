package io.sparkps.bench.transport;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.ValuesMessage;
import io.sparkps.core.transport.Connection;
import io.sparkps.core.transport.PsTransportContext;
import io.sparkps.core.transport.RequestHandler;
import io.sparkps.core.transport.TransportServer;
import java.util.concurrent.TimeUnit;

/**
 * ps-core's transport alone, to split spark-ps's small-op latency: the same Netty pipelines,
 * codec, outstanding-request map and callback executor as spark-ps, but the server answers a
 * {@link PullMessage} on its event loop with zeros (no shard executor, no store, no table
 * slicing). Each session has its own {@link PsTransportContext} and connection, like a PsClient.
 * Only sparse pulls are supported. Thread-safe.
 */
final class TransportOnlySystem implements BenchSystem {

  static final String NAME = "ps-transport-only";

  private final PsConfig config;
  private final int dim;
  private final PsTransportContext serverContext;
  private final TransportServer server;

  TransportOnlySystem(PsConfig config, int dim) throws Exception {
    this.config = config;
    this.dim = dim;
    this.serverContext = new PsTransportContext(config, "bench-echo-server");
    RequestHandler handler = (connection, requestId, message) -> {
      if (message instanceof PullMessage pull) {
        connection.reply(requestId, new ValuesMessage(new float[pull.keys().length * dim]));
      } else {
        connection.replyError(requestId, io.sparkps.core.protocol.ErrorCode.UNEXPECTED_MESSAGE,
            "transport-only bench server answers PULL only: type=" + message.type());
      }
    };
    this.server = serverContext.createServer("127.0.0.1", 0, handler);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void load(float[] dense, long[] keys, float[] values) {
    // Holds nothing: answers zeros.
  }

  @Override
  public Session openSession() throws Exception {
    PsTransportContext context = new PsTransportContext(config, "bench-echo-client");
    Connection connection;
    try {
      connection = context.connect("127.0.0.1", server.port(), null).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      context.close();
      throw e;
    }
    long timeoutNanos = config.requestTimeout().toNanos();
    return new Session() {
      @Override
      public float[] densePull(BenchTable table) {
        throw new UnsupportedOperationException("transport-only system: sparse pulls only");
      }

      @Override
      public void densePush(BenchTable table, float[] values) {
        throw new UnsupportedOperationException("transport-only system: sparse pulls only");
      }

      @Override
      public float[] sparsePull(BenchTable table, long[] keys) throws Exception {
        Message m = connection.request(new PullMessage(0, 0, keys)).get(timeoutNanos, TimeUnit.NANOSECONDS);
        return ((ValuesMessage) m).values();
      }

      @Override
      public void sparsePush(BenchTable table, long[] keys, float[] values) {
        throw new UnsupportedOperationException("transport-only system: sparse pulls only");
      }

      @Override
      public void close() {
        connection.close();
        context.close();
      }
    };
  }

  @Override
  public void close() {
    server.close();
    serverContext.close();
  }
}
