package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.protocol.RegisterServerMessage;
import io.sparkps.core.protocol.RegisteredMessage;
import io.sparkps.core.server.PsServer;
import io.sparkps.core.transport.PsTransportContext;
import io.sparkps.core.transport.TransportServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A server whose scheduler (the driver) dies stops on its own: at once when the connection
 * closes, and within the heartbeat timeout when the scheduler just goes silent (its host vanished
 * and no FIN ever arrives).
 */
class SchedulerLossTest {

  private static final PsConfig CONFIG = PsConfig.builder().heartbeatInterval(Duration.ofMillis(50))
      .heartbeatTimeout(Duration.ofMillis(400)).build();

  @Test
  void aServerStopsWhenTheSchedulerStopsAnsweringHeartbeats() throws Exception {
    try (PsTransportContext transport = new PsTransportContext(CONFIG, "silent-scheduler")) {
      // Accepts the registration, then never answers again, like a frozen or vanished driver.
      TransportServer silent = transport.createServer("127.0.0.1", 0, (c, id, m) -> {
        if (m instanceof RegisterServerMessage) {
          c.reply(id, new RegisteredMessage(0));
        }
      });
      try {
        PsServer server = PsServer.start(CONFIG, 0, silent.host(), silent.port());
        server.stopped().get(30, TimeUnit.SECONDS);
        assertTrue(server.isClosed());
      } finally {
        silent.close();
      }
    }
  }

  @Test
  void aServerStopsWhenTheSchedulerConnectionCloses() throws Exception {
    try (TestCluster cluster = new TestCluster(1, CONFIG, io.sparkps.core.config.Ticker.systemTicker())) {
      PsServer server = cluster.servers.get(0);
      cluster.scheduler.close();
      server.stopped().get(30, TimeUnit.SECONDS);
      assertTrue(server.isClosed());
    }
  }
}
