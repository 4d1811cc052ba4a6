package io.sparkps.core.server;

import io.sparkps.core.checkpoint.PushMark;
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
 * of pushes. Not thread-safe: used from the shard's lane only.
 */
final class PushDedupe {

  private record RunWorker(long runId, int worker) {}

  private final Map<RunWorker, long[]> marks = new HashMap<>();

  /** Whether a push with this id was already applied to this shard. */
  boolean alreadyApplied(PushId id) {
    long[] mark = marks.get(new RunWorker(id.runId(), id.worker()));
    return mark != null && compare(id.clock(), id.seq(), mark[0], mark[1]) <= 0;
  }

  /** Records an applied push. */
  void applied(PushId id) {
    long[] mark = marks.computeIfAbsent(new RunWorker(id.runId(), id.worker()), k -> new long[] {-1, -1});
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
    for (PushMark m : restored) {
      marks.put(new RunWorker(m.runId(), m.worker()), new long[] {m.clock(), m.seq()});
    }
  }
}
