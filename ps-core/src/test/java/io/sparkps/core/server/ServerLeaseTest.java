package io.sparkps.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lease runs from the send of the last acknowledged beat, so it ends before the scheduler's deadline. */
class ServerLeaseTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong now = new AtomicLong(100 * SECOND);

  @Test
  void expiresOneTermAfterTheSendOfTheLastAcknowledgedBeat() {
    ServerLease lease = new ServerLease(now::get, Duration.ofSeconds(10), now.get());
    now.addAndGet(10 * SECOND);
    assertFalse(lease.expired(), "exactly one term: still valid");
    now.addAndGet(1);
    assertTrue(lease.expired());

    long sent = now.get();
    now.addAndGet(3 * SECOND);  // the acknowledgement arrives 3 s after the send
    lease.renewed(sent);
    assertEquals(3 * SECOND, lease.silentNanos(), "counted from the send, not the acknowledgement");
    now.addAndGet(7 * SECOND + 1);
    assertTrue(lease.expired(), "the scheduler heard it at the earliest at the send: it may declare it dead now");
  }

  @Test
  void aLateAcknowledgementOfAnOlderBeatDoesNotMoveTheLeaseBack() {
    ServerLease lease = new ServerLease(now::get, Duration.ofSeconds(10), now.get());
    long older = now.get();
    now.addAndGet(SECOND);
    long newer = now.get();
    lease.renewed(newer);
    lease.renewed(older);
    assertEquals(0, lease.silentNanos());
  }
}
