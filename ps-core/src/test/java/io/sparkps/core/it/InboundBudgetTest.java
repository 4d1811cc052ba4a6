package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.config.AuthKeys;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.PsRole;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.PushId;
import io.sparkps.core.protocol.PushMessage;
import io.sparkps.core.protocol.PushMode;
import io.sparkps.core.server.PsServer;
import io.sparkps.core.testing.RawPeer;
import io.sparkps.core.testing.TransportTesting;
import io.sparkps.core.transport.PendingBytes;
import io.sparkps.core.transport.PsTimeoutException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, "server memory stays bounded whatever a peer does": authenticated peers that each
 * send most of a big frame and stall hold at most the component's inbound budget between them,
 * not a frame per connection, while a well-behaved client keeps working.
 */
class InboundBudgetTest {

  private static final byte[] SECRET = "the-application-secret-0123456789".getBytes(StandardCharsets.UTF_8);
  private static final AuthKeys KEYS = AuthKeys.derive(SECRET);
  private static final int MAX_FRAME = 1 << 20;
  private static final long MAX_PENDING = 4L << 20;
  private static final int PEERS = 40;
  private static final int SENT_OF_BODY = 900 << 10;
  /** Direct memory the stalled peers may make the server hold, far below 40 x 900 KiB (35 MiB). */
  private static final long DIRECT_MEMORY_BOUND = 12L << 20;
  private static final Duration WAIT = Duration.ofSeconds(TransportTesting.WAIT_SECONDS);

  private static TestCluster cluster;
  private static PsServer server;
  private static SparseTable table;

  @BeforeAll
  static void start() throws Exception {
    PsConfig config = PsConfig.builder().secret(SECRET).shardThreads(2).ioThreads(2)
        .maxFrameBytes(MAX_FRAME).maxPendingBytes(MAX_PENDING).build();
    cluster = new TestCluster(1, config, Ticker.systemTicker());
    server = cluster.servers.get(0);
    PsClient good = cluster.client(PsConfig.builder().authKeys(KEYS.only(PsRole.WORKER))
        .maxFrameBytes(MAX_FRAME).maxPendingBytes(MAX_PENDING).build());
    table = good.createSparseTable(TableSpec.sparse("good", 1));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  private static long directMemory() {
    return PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
  }

  /** A PUSH frame of a little under {@link #MAX_FRAME} bytes, length field included. */
  private static byte[] bigPushFrame(int i) {
    int n = (MAX_FRAME - 1024) / 12;
    long[] keys = new long[n];
    float[] values = new float[n];
    Arrays.fill(values, 1f);
    PushMessage push = new PushMessage(1, 0, PushMode.UPDATE, PushId.NONE, keys, values, false);
    return TransportTesting.frameBytes(new Envelope(100 + i, push));
  }

  /** Pushes {@code n} keys from {@code base} and pulls them back; the frames stay under 64 KiB or are tiny. */
  private static void goodRoundTrip(int base, int n, float[] expected) {
    long[] keys = new long[n];
    float[] ones = new float[n];
    for (int i = 0; i < n; i++) {
      keys[i] = base + i;
      ones[i] = 1f;
    }
    table.push(keys, ones);
    for (int i = 0; i < n; i++) {
      expected[base + i] += 1f;
    }
    float[] got = table.pull(keys);
    assertArrayEquals(Arrays.copyOfRange(expected, base, base + n), got, "the good client's data");
  }

  @Test
  void stalledBigFramesHoldAtMostTheInboundBudgetWhileAGoodClientWorks() throws Exception {
    float[] expected = new float[10_000];
    goodRoundTrip(0, 5_000, expected);  // a ~60 KB push and a ~40 KB pull: warm up
    PendingBytes inbound = server.inboundBytes();
    assertEquals(MAX_PENDING, inbound.limit());
    long before = directMemory();
    List<RawPeer> peers = new ArrayList<>();
    ExecutorService senders = Executors.newFixedThreadPool(PEERS);
    byte[] frame = bigPushFrame(0);
    int frameLength = frame.length - 4;
    int fits = (int) (MAX_PENDING / frameLength);
    try {
      for (int i = 0; i < PEERS; i++) {
        RawPeer p = new RawPeer(server.port());
        peers.add(p);
        p.handshake(PsRole.WORKER, KEYS.key(PsRole.WORKER));
      }
      byte[] partial = Arrays.copyOf(frame, 4 + SENT_OF_BODY);
      for (RawPeer p : peers) {
        // The server stops reading most of them: their writes block until the socket closes.
        senders.execute(() -> {
          try {
            p.send(partial);
          } catch (IOException closed) {
            // closed by the test
          }
        });
      }
      // As many frames as fit hold their reservations; every other peer waits for one, unread.
      PendingBytes.Stats stalled;
      try {
        stalled = inbound.await(s -> s.held() == (long) fits * frameLength && s.waitingRequests() == PEERS - fits,
            WAIT);
      } catch (PsTimeoutException e) {
        throw new AssertionError(e.getMessage() + "; pooled direct memory grew by " + (directMemory() - before)
            + " bytes", e);
      }
      assertTrue(stalled.held() <= MAX_PENDING, stalled.toString());

      // Meanwhile the good client pushes and pulls, big-ish (frames under 64 KiB) and small batches.
      for (int round = 0; round < 5; round++) {
        goodRoundTrip(0, 5_000, expected);
        goodRoundTrip(5_000 + round, 3, expected);
      }
      long grown = directMemory() - before;
      PendingBytes.Stats after = inbound.stats();
      assertTrue(after.held() <= MAX_PENDING && after.peak() <= MAX_PENDING, after.toString());
      assertEquals(PEERS - fits, after.waitingRequests(), after.toString());
      assertTrue(grown < DIRECT_MEMORY_BOUND, "direct memory grew by " + grown + " bytes with " + PEERS
          + " stalled peers (bound " + DIRECT_MEMORY_BOUND + ")");
      System.out.printf("inbound budget: %d authenticated peers each stalled after %d KiB of a %d-byte frame;"
          + " inbound held %d of %d bytes (peak %d), %d peers waiting; pooled direct memory grew by %d KiB"
          + " (without the budget: ~%d KiB)%n", PEERS, SENT_OF_BODY >> 10, frameLength, after.held(),
          after.limit(), after.peak(), after.waitingRequests(), grown >> 10, (long) PEERS * SENT_OF_BODY >> 10);
    } finally {
      for (RawPeer p : peers) {
        p.close();
      }
      senders.shutdownNow();
    }
    // Every budget returns to 0 once the peers are gone, and the client still works.
    inbound.await(s -> s.held() == 0 && s.waitingRequests() == 0 && s.pausedConnections() == 0, WAIT);
    goodRoundTrip(0, 5_000, expected);
    server.pendingBytes().await(s -> s.held() == 0 && s.waitingRequests() == 0, WAIT);
    assertEquals(0, inbound.held());
  }
}
