package io.sparkps.core.server;

import io.sparkps.core.checkpoint.PushMark;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.PushId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exactly-once pushes for one shard: the high-water mark (clock, seq) of the pushes applied per
 * (run, worker). A worker's tagged pushes to a shard arrive in increasing (clock, seq) order (one
 * connection, one shard lane), so anything at or below the mark is a replay from a retried or
 * speculative task and is dropped. One entry per worker: the state never grows with the number
 * of pushes.
 *
 * <p>Gaps: with several pushes of a worker in flight, push k may be refused (lane full, lease
 * expired, any error before it is applied) while k+1 is applied; the mark would then pass k and
 * drop its replay: a lost update. So a refused push opens a gap at its id ({@link #refused};
 * not for a push from before its run's rollback, see {@link RunFences}):
 * while it is open, the worker's pushes above it are refused too ({@link #checkGap}), and the
 * replay of the push at the gap, once applied, closes it. Not thread-safe: used from the shard's
 * lane only.
 */
final class PushDedupe {

  private record RunWorker(long runId, int worker) {}

  private final Map<RunWorker, long[]> marks = new HashMap<>();
  /** The lowest refused (clock, seq) per (run, worker) not yet replayed. */
  private final Map<RunWorker, long[]> gaps = new HashMap<>();

  /** Whether a push with this id was already applied to this shard. */
  boolean alreadyApplied(PushId id) {
    long[] mark = marks.get(new RunWorker(id.runId(), id.worker()));
    return mark != null && compare(id.clock(), id.seq(), mark[0], mark[1]) <= 0;
  }

  /**
   * Refuses (PUSH_OUT_OF_ORDER) a push above an open gap of its worker: applying it would move
   * the mark past the refused push.
   */
  void checkGap(PushId id) {
    long[] gap = gaps.get(new RunWorker(id.runId(), id.worker()));
    if (gap != null && compare(id.clock(), id.seq(), gap[0], gap[1]) > 0) {
      throw new PsRemoteException(ErrorCode.PUSH_OUT_OF_ORDER, "push (clock " + id.clock() + ", seq " + id.seq()
          + ") of run " + id.runId() + " worker " + id.worker() + " not applied: its earlier push (clock " + gap[0]
          + ", seq " + gap[1] + ") to this shard was refused and has not been replayed; replay the pushes from "
          + "that one on, in order (retry the task)");
    }
  }

  /** A push that was refused before being applied: opens (or lowers) its worker's gap. */
  void refused(PushId id) {
    RunWorker key = new RunWorker(id.runId(), id.worker());
    long[] mark = marks.get(key);
    if (mark != null && compare(id.clock(), id.seq(), mark[0], mark[1]) <= 0) {
      return;  // a replay of an applied push: nothing is missing
    }
    long[] gap = gaps.get(key);
    if (gap == null) {
      gaps.put(key, new long[] {id.clock(), id.seq()});
    } else if (compare(id.clock(), id.seq(), gap[0], gap[1]) < 0) {
      gap[0] = id.clock();
      gap[1] = id.seq();
    }
  }

  /** Whether a gap is open for this push's worker (for tests and logs). */
  boolean hasGap(PushId id) {
    return gaps.containsKey(new RunWorker(id.runId(), id.worker()));
  }

  /** Records an applied push; closes its worker's gap when it is the push at the gap. */
  void applied(PushId id) {
    RunWorker key = new RunWorker(id.runId(), id.worker());
    long[] gap = gaps.get(key);
    if (gap != null && compare(id.clock(), id.seq(), gap[0], gap[1]) >= 0) {
      gaps.remove(key);
    }
    long[] mark = marks.computeIfAbsent(key, k -> new long[] {-1, -1});
    if (compare(id.clock(), id.seq(), mark[0], mark[1]) > 0) {
      mark[0] = id.clock();
      mark[1] = id.seq();
    }
  }

  private static int compare(long clock, long seq, long markClock, long markSeq) {
    return clock != markClock ? Long.compare(clock, markClock) : Long.compare(seq, markSeq);
  }

  /** The marks, for a checkpoint of the shard taken on its lane together with its rows. */
  List<PushMark> marks() {
    List<PushMark> out = new ArrayList<>(marks.size());
    marks.forEach((k, m) -> out.add(new PushMark(k.runId(), k.worker(), m[0], m[1])));
    return out;
  }

  /** Replaces the marks with a checkpoint's: the restored rows hold exactly these pushes. */
  void restore(List<PushMark> restored) {
    marks.clear();
    gaps.clear();  // the restored shard holds exactly the marked pushes; replays past them apply
    for (PushMark m : restored) {
      marks.put(new RunWorker(m.runId(), m.worker()), new long[] {m.clock(), m.seq()});
    }
  }
}
