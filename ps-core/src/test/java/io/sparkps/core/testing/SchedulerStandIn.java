package io.sparkps.core.testing;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.PsRole;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.HeartbeatMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.OkMessage;
import io.sparkps.core.protocol.RegisterServerMessage;
import io.sparkps.core.protocol.RegisteredMessage;
import io.sparkps.core.transport.Await;
import io.sparkps.core.transport.Connection;
import io.sparkps.core.transport.PsTransportContext;
import io.sparkps.core.transport.TransportServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A listener that proves the scheduler role (a real {@link PsTransportContext} of role
 * {@link PsRole#SCHEDULER}), accepts one server's registration and answers its heartbeats, and
 * lets a test send that server control messages (CREATE_SHARD, DROP_SHARD...) as the scheduler
 * would, raw: sizes and ranges the real scheduler never computes. Start a {@code PsServer} against
 * {@link #port()}, then use {@link #serverLink()}.
 */
public final class SchedulerStandIn implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final PsTransportContext transport;
  private final TransportServer listener;
  private final CompletableFuture<Connection> link = new CompletableFuture<>();

  public SchedulerStandIn(PsConfig config) throws java.io.IOException {
    transport = new PsTransportContext(config, "scheduler-stand-in", PsRole.SCHEDULER);
    listener = transport.createServer("127.0.0.1", 0, this::handle);
  }

  public int port() {
    return listener.port();
  }

  /** The registered server's connection, over which control requests go. */
  public Connection serverLink() {
    return Await.result(link, WAIT, "a server registering with the stand-in scheduler");
  }

  /** Sends {@code request} to the registered server and waits for its answer (a failed request throws). */
  public Message request(Message request) {
    return Await.result(serverLink().request(request), WAIT, "the server answering " + request.type());
  }

  private void handle(Connection c, long requestId, Message message) {
    if (message instanceof RegisterServerMessage) {
      c.reply(requestId, new RegisteredMessage(1));
      link.complete(c);
    } else if (message instanceof HeartbeatMessage) {
      c.reply(requestId, new OkMessage());
    } else {
      c.replyError(requestId, ErrorCode.UNEXPECTED_MESSAGE, "stand-in scheduler: " + message.type());
    }
  }

  @Override
  public void close() {
    transport.close();
  }
}
