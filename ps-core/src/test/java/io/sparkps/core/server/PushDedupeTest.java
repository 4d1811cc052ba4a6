package io.sparkps.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.checkpoint.PushMark;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.PushId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The high-water mark per (run, worker) and the gap a refused push opens. */
class PushDedupeTest {

  private final PushDedupe dedupe = new PushDedupe();

  @Test
  void aRefusedPushHoldsBackLaterPushesOfItsWorkerOnlyUntilItIsApplied() {
    dedupe.applied(id(1, 0, 0));
    dedupe.refused(id(1, 0, 2));
    dedupe.refused(id(1, 0, 1));  // a lower refusal lowers the gap
    dedupe.checkGap(id(1, 0, 1));  // the push at the gap may apply
    PsRemoteException e = assertThrows(PsRemoteException.class, () -> dedupe.checkGap(id(1, 0, 2)));
    assertEquals(ErrorCode.PUSH_OUT_OF_ORDER, e.code());
    assertTrue(e.detail().contains("(clock 0, seq 1)"), e.detail());
    assertThrows(PsRemoteException.class, () -> dedupe.checkGap(id(1, 1, 0)));
    dedupe.checkGap(id(2, 5, 0));  // another worker is not held back
    dedupe.applied(id(1, 0, 1));
    assertFalse(dedupe.hasGap(id(1, 0, 1)));
    dedupe.checkGap(id(1, 0, 2));
  }

  @Test
  void aRefusedReplayOfAnAppliedPushOpensNoGap() {
    dedupe.applied(id(1, 3, 4));
    dedupe.refused(id(1, 3, 4));
    dedupe.refused(id(1, 2, 9));
    assertFalse(dedupe.hasGap(id(1, 0, 0)));
    assertTrue(dedupe.alreadyApplied(id(1, 2, 9)));
  }

  @Test
  void restoringACheckpointClosesTheGaps() {
    dedupe.refused(id(1, 0, 0));
    dedupe.restore(List.of(new PushMark(9, 1, 0, 0)));
    assertFalse(dedupe.hasGap(id(1, 0, 0)));
    dedupe.checkGap(id(1, 5, 0));
  }

  private static PushId id(int worker, long clock, int seq) {
    return new PushId(9, worker, clock, seq);
  }
}
