package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.RegisterServerMessage;
import io.sparkps.core.server.PsServer;
import io.sparkps.core.transport.PsInterruptedException;
import io.sparkps.core.transport.PsTimeoutException;
import io.sparkps.core.transport.PsTransportContext;
import io.sparkps.core.transport.PsTransportException;
import io.sparkps.core.transport.TransportServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * PsServer.start keeps its checked API: a transport failure is the IOException itself; a refusal
 * by the scheduler and an interrupt keep their own (unchecked) types, as everywhere else.
 */
class ServerStartFailuresTest {

  private static final PsConfig CONFIG = PsConfig.builder().requestTimeout(Duration.ofMillis(300)).build();

  @Test
  void aSchedulerThatNeverAnswersIsAnIoTimeout() throws Exception {
    try (PsTransportContext transport = new PsTransportContext(CONFIG, "mute-scheduler")) {
      TransportServer mute = transport.createServer("127.0.0.1", 0, (c, id, m) -> { });
      PsTimeoutException e = assertThrows(PsTimeoutException.class,
          () -> PsServer.start(CONFIG, 0, mute.host(), mute.port()));
      assertTrue(e.getMessage().contains("REGISTER_SERVER"), e.getMessage());
    }
  }

  @Test
  void anUnreachableSchedulerIsAnIoFailure() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    IOException e = assertThrows(IOException.class, () -> PsServer.start(CONFIG, 0, "127.0.0.1", closedPort));
    assertInstanceOf(PsTransportException.class, e);
  }

  @Test
  void aRefusalKeepsItsCode() throws Exception {
    try (PsTransportContext transport = new PsTransportContext(CONFIG, "refusing-scheduler")) {
      TransportServer refusing = transport.createServer("127.0.0.1", 0, (c, id, m) -> {
        if (m instanceof RegisterServerMessage) {
          c.replyError(id, ErrorCode.SHUTTING_DOWN, "the scheduler is stopping");
        }
      });
      PsRemoteException e = assertThrows(PsRemoteException.class,
          () -> PsServer.start(CONFIG, 0, refusing.host(), refusing.port()));
      assertEquals(ErrorCode.SHUTTING_DOWN, e.code());
    }
  }

  @Test
  void anInterruptedStartStopsWithTheFlagSet() throws Exception {
    try (PsTransportContext transport = new PsTransportContext(CONFIG, "mute-scheduler")) {
      TransportServer mute = transport.createServer("127.0.0.1", 0, (c, id, m) -> { });
      Thread.currentThread().interrupt();
      try {
        PsInterruptedException e = assertThrows(PsInterruptedException.class,
            () -> PsServer.start(CONFIG, 0, mute.host(), mute.port()));
        assertTrue(Thread.currentThread().isInterrupted(), "interrupt flag restored");
        assertTrue(e.getMessage().contains("connecting to the scheduler"), e.getMessage());
      } finally {
        Thread.interrupted();
      }
    }
  }
}
