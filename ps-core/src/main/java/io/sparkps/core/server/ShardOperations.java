package io.sparkps.core.server;

import io.sparkps.core.check.Checks;
import io.sparkps.core.protocol.CasMessage;
import io.sparkps.core.protocol.CasResultMessage;
import io.sparkps.core.protocol.ClearMessage;
import io.sparkps.core.protocol.ContainsMessage;
import io.sparkps.core.protocol.CountMessage;
import io.sparkps.core.protocol.EncodedFrame;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.FlagsMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.OkMessage;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.PullRangeMessage;
import io.sparkps.core.protocol.PushId;
import io.sparkps.core.protocol.PushMessage;
import io.sparkps.core.protocol.PushMode;
import io.sparkps.core.protocol.RemoveMessage;
import io.sparkps.core.protocol.ScanChunkMessage;
import io.sparkps.core.protocol.ScanMessage;
import io.sparkps.core.protocol.SizeMessage;
import io.sparkps.core.storage.ShardStore;
import io.sparkps.core.storage.StoreArgs;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Executes one data-plane request against a shard's store and builds the response. Runs on the
 * shard's lane only (stores are single-threaded): its thread, or an I/O thread that runs a small
 * request inline while holding the idle lane. Every size a
 * request names is checked (against the shard, and the reply against the frame limit) before
 * anything is allocated. Stateless apart from the limits.
 */
final class ShardOperations {

  private final RequestSizes sizes;
  private final RunFences fences;

  ShardOperations(RequestSizes sizes, RunFences fences) {
    this.sizes = sizes;
    this.fences = fences;
  }

  /**
   * The reply to {@code request}. A pull's reply is an {@link EncodedFrame} the caller must write
   * or release.
   */
  Message execute(HostedShard shard, Message request) {
    ShardStore store = shard.store();
    if (request instanceof PullMessage m) {
      sizes.checkReply(shard, m);
      return pull(store, m.keys());
    }
    if (request instanceof PushMessage m) {
      return push(shard, m);
    }
    if (request instanceof PullRangeMessage m) {
      return pullRange(shard, m);
    }
    if (request instanceof ContainsMessage m) {
      long[] keys = m.keys();
      boolean[] flags = new boolean[keys.length];
      for (int i = 0; i < keys.length; i++) {
        flags[i] = store.contains(keys[i]);
      }
      return new FlagsMessage(flags);
    }
    if (request instanceof RemoveMessage m) {
      return new CountMessage(store.remove(m.keys(), 0, m.keys().length));
    }
    if (request instanceof CasMessage m) {
      return cas(store, m);
    }
    if (request instanceof ClearMessage) {
      store.clear();
      return new OkMessage();
    }
    if (request instanceof SizeMessage) {
      return new CountMessage(store.size());
    }
    if (request instanceof ScanMessage m) {
      return scan(shard, m);
    }
    throw new PsRemoteException(ErrorCode.UNEXPECTED_MESSAGE,
        "not a data-plane request: type=" + request.type());
  }

  /** The range is checked against the shard, and its reply against the frame, before the array exists. */
  private EncodedFrame pullRange(HostedShard shard, PullRangeMessage m) {
    if (!shard.spec().isDense()) {
      throw new UnsupportedOperationException("pull(range) needs a dense table: " + shard.describe());
    }
    Checks.requireArgument(m.start() < m.end(), "pull(range) needs start < end: start=%s, end=%s",
        m.start(), m.end());
    StoreArgs.checkRange(m.start(), m.end(), shard.start(), shard.end());
    sizes.checkReply(shard, m);
    return valuesFrame(Math.toIntExact((m.end() - m.start()) * shard.spec().dim()),
        values -> shard.store().pullRange(m.start(), m.end(), values));
  }

  /**
   * The rows written from the store straight into the reply's frame (no intermediate array: a
   * 4 MiB one would be a humongous object, then copied once more by the encoder). The caller
   * checked the reply fits a frame ({@link RequestSizes#checkReply}).
   */
  private EncodedFrame pull(ShardStore store, long[] keys) {
    return valuesFrame(keys.length * store.dim(), values -> store.pull(keys, 0, keys.length, values));
  }

  /** A VALUES frame of {@code floats} floats that {@code fill} writes; released if anything fails. */
  private EncodedFrame valuesFrame(int floats, Consumer<FloatBuffer> fill) {
    EncodedFrame frame = EncodedFrame.values(floats);
    boolean ok = false;
    try {
      FloatBuffer values = frame.floats();
      fill.accept(values);
      frame.complete(values);
      ok = true;
      return frame;
    } finally {
      if (!ok) {
        frame.release();
      }
    }
  }

  private Message push(HostedShard shard, PushMessage m) {
    ShardStore store = shard.store();
    long[] keys = m.keys();
    PushId id = m.pushId();
    if (id.isNone()) {
      check(shard, m);
      apply(store, m);
    } else {
      PushDedupe dedupe = shard.dedupe();
      try {
        checkValues(shard, keys.length, m.values().length);
        fences.check(id);
        if (m.returnValues()) {
          sizes.checkReply(shard, m);
        }
        if (dedupe.alreadyApplied(id)) {
          // A replay (retried or speculative task): acknowledge without applying it twice.
          return m.returnValues() ? pull(store, keys) : new OkMessage();
        }
        dedupe.checkGap(id);
        store.observeClock(id.runId(), id.clock());  // clock-based expiry follows the runs' clocks
        apply(store, m);  // a store rejects bad keys before changing anything
      } catch (RuntimeException e) {
        // Not applied: its worker's later pushes must wait for its replay. Except a push from
        // before its run's rollback (the fence): its epoch is over, and the resumed workers
        // replay from the restored marks, not from this push.
        if (!(e instanceof PsRemoteException r && r.code() == ErrorCode.RUN_FAILED)) {
          dedupe.refused(id);
        }
        throw e;
      }
      dedupe.applied(id);
    }
    return m.returnValues() ? pull(store, keys) : new OkMessage();
  }

  /** The checks before anything is applied: values match keys x dim, and a reply fits a frame. */
  private void check(HostedShard shard, PushMessage m) {
    checkValues(shard, m.keys().length, m.values().length);
    if (m.returnValues()) {
      sizes.checkReply(shard, m);
    }
  }

  private static void apply(ShardStore store, PushMessage m) {
    long[] keys = m.keys();
    if (m.mode() == PushMode.ASSIGN) {
      store.assign(keys, 0, keys.length, m.values(), 0);
    } else {
      store.push(keys, 0, keys.length, m.values(), 0);
    }
  }

  /** expectedVersion -1 never matches (versions start at 0): a versioned read. */
  private static CasResultMessage cas(ShardStore store, CasMessage m) {
    long[] key = {m.key()};
    float[] current = new float[store.dim()];
    if (m.expectedVersion() != -1) {
      if (m.values().length != store.dim()) {
        throw new PsRemoteException(ErrorCode.WRONG_DIMENSION, "cas values must hold one row: values="
            + m.values().length + " (dim=" + store.dim() + ")");
      }
      long applied = store.compareAndSet(m.key(), m.expectedVersion(), m.values(), 0);
      if (applied >= 0) {
        store.pull(key, 0, 1, current, 0);
        return new CasResultMessage(true, applied, current);
      }
    }
    store.pull(key, 0, 1, current, 0);
    return new CasResultMessage(false, store.version(m.key()), current);
  }

  private ScanChunkMessage scan(HostedShard shard, ScanMessage m) {
    ShardStore store = shard.store();
    int dim = store.dim();
    Checks.requireArgument(m.maxRows() > 0, "scan needs maxRows > 0: maxRows=%s", m.maxRows());
    Checks.requireArgument(m.cursor() >= 0, "scan cursor must be >= 0: cursor=%s", m.cursor());
    sizes.checkReply(shard, m);
    long[] keys = new long[m.maxRows()];
    float[] values = new float[m.maxRows() * dim];
    int[] n = {0};
    long next = store.scan(m.cursor(), m.maxRows(), (key, src, off) -> {
      keys[n[0]] = key;
      System.arraycopy(src, off, values, n[0] * dim, dim);
      n[0]++;
    });
    return new ScanChunkMessage(next, Arrays.copyOf(keys, n[0]), Arrays.copyOf(values, n[0] * dim));
  }

  private static void checkValues(HostedShard shard, int keys, int values) {
    long expected = (long) keys * shard.spec().dim();
    if (values != expected) {
      throw new PsRemoteException(ErrorCode.WRONG_DIMENSION, "values do not match keys x dim: values="
          + values + " (keys=" + keys + " x dim=" + shard.spec().dim() + " = " + expected + ") for "
          + shard.describe());
    }
  }
}
