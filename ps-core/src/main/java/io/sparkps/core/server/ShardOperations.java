package io.sparkps.core.server;

import io.sparkps.core.check.Checks;
import io.sparkps.core.protocol.CasMessage;
import io.sparkps.core.protocol.CasResultMessage;
import io.sparkps.core.protocol.ClearMessage;
import io.sparkps.core.protocol.ContainsMessage;
import io.sparkps.core.protocol.CountMessage;
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
import io.sparkps.core.protocol.ValuesMessage;
import io.sparkps.core.storage.ShardStore;
import java.util.Arrays;

/**
 * Executes one data-plane request against a shard's store and builds the response. Runs on the
 * shard's executor only (stores are single-threaded), never on an I/O thread. Stateless apart
 * from the frame limit.
 */
final class ShardOperations {

  /** Bytes a response needs beside its payload: header and array counts. */
  private static final int RESPONSE_OVERHEAD = 64;

  private final int maxFrameBytes;
  private final RunFences fences;

  ShardOperations(int maxFrameBytes, RunFences fences) {
    this.maxFrameBytes = maxFrameBytes;
    this.fences = fences;
  }

  Message execute(HostedShard shard, Message request) {
    ShardStore store = shard.store();
    int dim = store.dim();
    if (request instanceof PullMessage m) {
      return pull(store, m.keys());
    }
    if (request instanceof PushMessage m) {
      return push(shard, m);
    }
    if (request instanceof PullRangeMessage m) {
      Checks.requireArgument(m.start() < m.end(), "pull(range) needs start < end: start=%s, end=%s",
          m.start(), m.end());
      // end - start overflows (goes negative) for ranges wider than Long.MAX_VALUE rows.
      checkResponseSize(rowBytes(m.end() - m.start(), dim));
      float[] out = new float[(int) ((m.end() - m.start()) * dim)];
      store.pullRange(m.start(), m.end(), out, 0);
      return new ValuesMessage(out);
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
      return scan(store, m);
    }
    throw new PsRemoteException(ErrorCode.UNEXPECTED_MESSAGE,
        "not a data-plane request: type=" + request.type());
  }

  private ValuesMessage pull(ShardStore store, long[] keys) {
    checkResponseSize((long) keys.length * store.dim() * 4L);
    float[] out = new float[keys.length * store.dim()];
    store.pull(keys, 0, keys.length, out, 0);
    return new ValuesMessage(out);
  }

  private Message push(HostedShard shard, PushMessage m) {
    ShardStore store = shard.store();
    long[] keys = m.keys();
    float[] values = m.values();
    checkValues(shard, keys.length, values.length);
    PushId id = m.pushId();
    boolean tagged = !id.isNone();
    if (tagged) {
      fences.check(id);
    }
    if (tagged && shard.dedupe().alreadyApplied(id)) {
      // A replay (retried or speculative task): acknowledge without applying it twice.
      return m.returnValues() ? pull(store, keys) : new OkMessage();
    }
    if (m.mode() == PushMode.ASSIGN) {
      store.assign(keys, 0, keys.length, values, 0);
    } else {
      store.push(keys, 0, keys.length, values, 0);
    }
    if (tagged) {
      shard.dedupe().applied(id);
    }
    return m.returnValues() ? pull(store, keys) : new OkMessage();
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

  private ScanChunkMessage scan(ShardStore store, ScanMessage m) {
    int dim = store.dim();
    Checks.requireArgument(m.maxRows() > 0, "scan needs maxRows > 0: maxRows=%s", m.maxRows());
    Checks.requireArgument(m.cursor() >= 0, "scan cursor must be >= 0: cursor=%s", m.cursor());
    checkResponseSize((long) m.maxRows() * (8L + 4L * dim));
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

  /** Bytes of {@code rows} rows of {@code dim} floats; Long.MAX_VALUE when that overflows or rows < 0. */
  private static long rowBytes(long rows, int dim) {
    return rows < 0 || rows > Long.MAX_VALUE / (4L * dim) ? Long.MAX_VALUE : rows * dim * 4L;
  }

  private void checkResponseSize(long payloadBytes) {
    if (payloadBytes > maxFrameBytes - RESPONSE_OVERHEAD) {
      throw new PsRemoteException(ErrorCode.INVALID_ARGUMENT, "response would exceed the frame limit: bytes="
          + payloadBytes + " (maxFrameBytes=" + maxFrameBytes + "); request fewer keys per call");
    }
  }
}
