package io.sparkps.core.client;

import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.CountMessage;
import io.sparkps.core.protocol.RemoveMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sparse table: any {@code long} key to a row of {@code dim} floats, placed on a consistent-hash
 * ring. Rows come into being on their first write; pulls of absent rows return the initializer's
 * values without creating them. Adds {@link #removeAsync}. Thread-safe.
 */
public final class SparseTable extends Table {

  SparseTable(PsClient client, TableRoute route) {
    super(client, route);
  }

  /** Removes rows; completes with how many existed. */
  public CompletableFuture<Long> removeAsync(long[] keys) {
    checkKeys(keys);
    TableRoute route = route();
    AtomicLong removed = new AtomicLong();
    return scatter(route, keys, 8, (slice, f) -> f.add(
        client.send(route, slice.shard, new RemoveMessage(tableId, slice.shard, slice.keys))
            .thenAccept(m -> removed.addAndGet(((CountMessage) m).count()))))
        .thenApply(v -> removed.get());
  }

  public long remove(long[] keys) {
    return await(removeAsync(keys), "remove");
  }

  @Override
  void checkKeyRange(long[] keys, int from, int to) {
    // Every long is a valid sparse key.
  }
}
