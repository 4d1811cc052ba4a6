package io.sparkps.core.scheduler;

import io.sparkps.core.checkpoint.CheckpointFiles;
import io.sparkps.core.checkpoint.CheckpointLayout;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.RangePartitioner;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.CreateShardMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Where shards go: the owners of a new table's shards, and new owners for the shards of dead
 * servers (least-loaded live server first, each restored from the latest checkpoint when it holds
 * the table with the same layout). Pure functions of what they are given.
 */
final class ShardPlacement {

  private ShardPlacement() {}

  /** A lost shard, the live server it moves to, and the checkpoint file it is restored from ("" = empty). */
  record Move(TableRoute route, int shard, int owner, String source) {}

  /** The moves, and how many lost shards found no live server. */
  record Plan(List<Move> moves, int orphans) {}

  /**
   * Which server holds each shard of a new table. Dense tables get one contiguous range per
   * server. Sparse tables get one shard per shard lane of each server, dealt round-robin: a
   * request's slices then run on all lanes (cores) of a server at once instead of queueing on one.
   */
  static int[] shardOwners(TableSpec spec, int[] alive, int lanesPerServer) {
    if (spec.isDense()) {
      return Arrays.copyOf(alive, (int) Math.min(alive.length, spec.rows()));
    }
    return roundRobin(alive, alive.length * Math.max(1, lanesPerServer));
  }

  /** {@code shards} shards dealt over the servers in turn (a restore keeps the checkpoint's count). */
  static int[] roundRobin(int[] alive, int shards) {
    int[] owners = new int[shards];
    for (int i = 0; i < shards; i++) {
      owners[i] = alive[i % alive.length];
    }
    return owners;
  }

  /** The request that creates one shard of a table, with its dense key range. */
  static CreateShardMessage createShard(TableRoute route, int shard, String source) {
    TableSpec spec = route.spec();
    if (!spec.isDense()) {
      return new CreateShardMessage(route.tableId(), shard, spec, 0, 0, source);
    }
    RangePartitioner ranges = new RangePartitioner(spec.rows(), route.numShards());
    return new CreateShardMessage(route.tableId(), shard, spec, ranges.start(shard), ranges.end(shard), source);
  }

  /** New owners for every shard whose owner is not alive. */
  static Plan moves(Collection<TableRoute> tables, int[] alive, IntPredicate isAlive,
      Optional<Checkpointer.Latest> checkpoint) {
    Map<Integer, Integer> load = new HashMap<>();
    for (int id : alive) {
      load.put(id, 0);
    }
    for (TableRoute r : tables) {
      for (int owner : r.shardOwners()) {
        load.computeIfPresent(owner, (k, n) -> n + 1);
      }
    }
    List<Move> moves = new ArrayList<>();
    int orphans = 0;
    for (TableRoute route : tables) {
      for (int shard = 0; shard < route.numShards(); shard++) {
        if (isAlive.test(route.ownerOf(shard))) {
          continue;
        }
        if (alive.length == 0) {
          orphans++;
          continue;
        }
        int owner = Collections.min(load.entrySet(), Map.Entry.comparingByValue()).getKey();
        load.merge(owner, 1, Integer::sum);
        int lost = shard;
        moves.add(new Move(route, shard, owner, checkpoint.map(c -> shardSource(c, route, lost)).orElse("")));
      }
    }
    return new Plan(moves, orphans);
  }

  /** The checkpoint file of a shard, if the checkpoint holds the same table with the same layout. */
  private static String shardSource(Checkpointer.Latest ckpt, TableRoute route, int shard) {
    return ckpt.manifest().table(route.spec().name())
        .filter(t -> t.spec().equals(route.spec()) && t.shards() == route.numShards())
        .map(t -> {
          CheckpointFiles files = CheckpointFiles.forPath(ckpt.dir());
          return CheckpointLayout.shardFile(files, ckpt.dir(), t.tableId(), shard);
        }).orElse("");
  }
}
