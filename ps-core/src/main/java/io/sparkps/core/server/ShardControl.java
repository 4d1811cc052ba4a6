package io.sparkps.core.server;

import io.sparkps.core.checkpoint.CheckpointFiles;
import io.sparkps.core.checkpoint.CheckpointLayout;
import io.sparkps.core.checkpoint.ShardFile;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.metrics.ServerMetrics;
import io.sparkps.core.protocol.CheckpointShardsMessage;
import io.sparkps.core.protocol.CountMessage;
import io.sparkps.core.protocol.CreateShardMessage;
import io.sparkps.core.protocol.DropShardMessage;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.FenceRunMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.OkMessage;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.storage.FeatureEvents;
import io.sparkps.core.storage.ShardStore;
import io.sparkps.core.storage.StorageOptions;
import io.sparkps.core.storage.tiers.ShardStores;
import io.sparkps.core.transport.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's control requests to a server: create (or restore) a shard, drop a table's
 * shards, checkpoint shards, and fence a rolled-back run. Work that allocates or does I/O runs on
 * the shard's lane, never on the I/O thread; each request gets exactly one reply. Thread-safe.
 */
final class ShardControl {

  private static final Logger LOG = LoggerFactory.getLogger(ShardControl.class);

  private final String storageDir;
  private final ShardExecutors lanes;
  private final HostedShards shards;
  private final RunFences fences;
  private final ShardMemory memory;
  /** Time for sparse tables that expire rows after a duration. */
  private final Ticker ticker;
  /** Where sparse stores report expired and admitted rows: the server's metrics. */
  private final FeatureEvents featureEvents;

  ShardControl(String storageDir, ShardExecutors lanes, HostedShards shards, RunFences fences, ShardMemory memory,
      Ticker ticker, ServerMetrics metrics) {
    this.storageDir = storageDir;
    this.lanes = lanes;
    this.shards = shards;
    this.fences = fences;
    this.memory = memory;
    this.ticker = ticker;
    this.featureEvents = new FeatureEvents() {
      @Override
      public void evicted(int rows) {
        metrics.rowsEvicted(rows);
      }

      @Override
      public void admitted(int keys) {
        metrics.keysAdmitted(keys);
      }

      @Override
      public void deferred(int keys) {
        metrics.keysDeferred(keys);
      }
    };
  }

  /** Whether {@code message} is a control request, which only the scheduler may send. */
  static boolean isControl(Message message) {
    return message instanceof CreateShardMessage || message instanceof DropShardMessage
        || message instanceof CheckpointShardsMessage || message instanceof FenceRunMessage;
  }

  /** Handles a control request and returns true, or returns false when it is not one. */
  boolean handle(Connection connection, long requestId, Message message) {
    if (message instanceof CreateShardMessage m) {
      createShard(connection, requestId, m);
    } else if (message instanceof DropShardMessage m) {
      dropShards(connection, requestId, m.tableId());
    } else if (message instanceof CheckpointShardsMessage m) {
      checkpoint(connection, requestId, m);
    } else if (message instanceof FenceRunMessage m) {
      fences.raise(m.runId(), m.epoch());
      connection.reply(requestId, new OkMessage());
    } else {
      return false;
    }
    return true;
  }

  private void createShard(Connection connection, long requestId, CreateShardMessage m) {
    // Building a store allocates (a dense shard can be large) and a restore reads a file: keep
    // both off the I/O thread.
    lanes.laneFor(m.tableId(), m.shard()).execute(() -> {
      try {
        HostedShard existing = shards.get(m.tableId(), m.shard());
        if (existing != null) {
          if (!existing.spec().equals(m.spec()) || m.restores()) {
            throw new PsRemoteException(ErrorCode.DUPLICATE_TABLE, "server " + shards.serverId()
                + " already hosts " + existing.describe());
          }
        } else {
          create(m);
        }
        connection.reply(requestId, new OkMessage());
      } catch (RuntimeException | OutOfMemoryError e) {  // an allocation no check foresaw still gets an answer
        connection.replyFailure(requestId, e);
      }
    });
  }

  /** Reserves the shard's heap bytes, then builds (and restores) its store; the bytes return on failure. */
  private void create(CreateShardMessage m) {
    long heapBytes = ShardStores.heapBytes(m.spec(), m.start(), m.end());
    memory.reserve(heapBytes, shards.serverId(), "shard " + m.shard() + " of table " + m.spec().name()
        + (m.spec().isDense() ? " (rows [" + m.start() + ", " + m.end() + ") x dim " + m.spec().dim() + ")" : ""));
    boolean created = false;
    try {
      ShardStore store = ShardStores.create(m.spec(), m.start(), m.end(),
          StorageOptions.forShard(storageDir, m.tableId(), m.shard()), ticker, featureEvents);
      PushDedupe dedupe = new PushDedupe();
      if (m.restores()) {
        restore(store, dedupe, m);
      }
      shards.add(new HostedShard(m.tableId(), m.shard(), m.spec(), m.start(), m.end(), store,
          lanes.laneFor(m.tableId(), m.shard()), dedupe, heapBytes));
      created = true;
      LOG.debug("Server {} created shard {} of table {}{}", shards.serverId(), m.shard(), m.spec().name(),
          m.restores() ? " from " + m.source() : "");
    } finally {
      if (!created) {
        memory.release(heapBytes);
      }
    }
  }

  /** Loads a new shard's rows and push marks from a checkpoint file; the store is destroyed on failure. */
  private void restore(ShardStore store, PushDedupe dedupe, CreateShardMessage m) {
    try {
      // A persisted store may have reopened an older file of the same shard: the checkpoint wins.
      store.clear();
      CheckpointFiles files = CheckpointFiles.forPath(m.source());
      ShardFile.Header header;
      try (InputStream in = files.open(m.source())) {
        header = ShardFile.read(in, store, m.source());
      }
      if (header.shard() != m.shard()) {
        throw new IOException("shard file " + m.source() + " holds shard " + header.shard() + ", not " + m.shard());
      }
      dedupe.restore(header.marks());
    } catch (IOException | RuntimeException e) {
      // Only code and message cross the wire: the stack stays in this server's log.
      LOG.error("Server {} could not restore shard {} of table {} from {}", shards.serverId(), m.shard(), m.spec().name(),
          m.source(), e);
      store.destroy();
      throw new PsRemoteException(ErrorCode.CHECKPOINT_FAILED, "server " + shards.serverId() + " could not restore shard "
          + m.shard() + " of table " + m.spec().name() + " from " + m.source() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes each hosted shard of the requested tables on its own lane, so the copy sees whole
   * pushes only, and shards on different lanes are written in parallel.
   */
  private void checkpoint(Connection connection, long requestId, CheckpointShardsMessage m) {
    CheckpointFiles files = CheckpointFiles.forPath(m.dir());
    Set<Integer> wanted = new HashSet<>();
    for (int id : m.tableIds()) {
      wanted.add(id);
    }
    List<CompletableFuture<Long>> written = new ArrayList<>();
    for (HostedShard s : shards.all()) {
      if (wanted.contains(s.tableId())) {
        written.add(CompletableFuture.supplyAsync(() -> writeShard(files, m.dir(), s), s.executor()));
      }
    }
    CompletableFuture.allOf(written.toArray(new CompletableFuture<?>[0])).whenComplete((v, err) -> {
      if (err != null) {
        connection.replyFailure(requestId, err);
        return;
      }
      connection.reply(requestId, new CountMessage(written.stream().mapToLong(CompletableFuture::join).sum()));
    });
  }

  private long writeShard(CheckpointFiles files, String dir, HostedShard s) {
    String path = CheckpointLayout.shardFile(files, dir, s.tableId(), s.shard());
    try (CountingOutputStream out = new CountingOutputStream(files.create(path))) {
      ShardFile.write(out, s.tableId(), s.shard(), s.store(), s.dedupe().marks());
      return out.count();
    } catch (IOException | RuntimeException e) {
      // Only code and message cross the wire: the stack stays in this server's log.
      LOG.error("Server {} could not write {} to {}", shards.serverId(), s.describe(), path, e);
      throw new PsRemoteException(ErrorCode.CHECKPOINT_FAILED, "server " + shards.serverId() + " could not write "
          + s.describe() + " to " + path + ": " + e.getMessage(), e);
    }
  }

  private void dropShards(Connection connection, long requestId, int tableId) {
    // Destroy each store on its own lane, after the operations already queued there (a
    // persisted shard deletes its file: a table created later with the same id starts empty).
    for (HostedShard s : shards.removeTable(tableId)) {
      s.executor().execute(() -> {
        try {
          s.store().destroy();
        } finally {
          memory.release(s.heapBytes());
        }
      });
    }
    connection.reply(requestId, new OkMessage());
  }
}
