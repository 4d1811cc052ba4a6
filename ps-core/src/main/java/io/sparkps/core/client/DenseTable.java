package io.sparkps.core.client;

import static io.sparkps.core.check.Checks.requireArgument;

import io.sparkps.core.partition.RangePartitioner;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.PullRangeMessage;
import io.sparkps.core.protocol.ValuesMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A dense table: {@code rows x dim} floats keyed by row index, split into contiguous ranges over
 * the servers. Adds {@link #pullRangeAsync}. Thread-safe.
 */
public final class DenseTable extends Table {

  DenseTable(PsClient client, TableRoute route) {
    super(client, route);
  }

  public long rows() {
    return spec.rows();
  }

  /** Rows {@code [start, end)}, row-major; one request per shard range (and per frame). */
  public CompletableFuture<float[]> pullRangeAsync(long start, long end) {
    requireArgument(start >= 0 && start < end && end <= rows(),
        "range out of bounds: start=%s, end=%s ([0, %s], start < end)", start, end, rows());
    long floats = (end - start) * dim();
    requireArgument(floats <= Integer.MAX_VALUE - 8, "range too large for one array: rows=%s x dim=%s",
        end - start, dim());
    TableRoute route = route();
    RangePartitioner ranges = (RangePartitioner) route.partitioner();
    float[] out = new float[(int) floats];
    long perFrame = maxKeysPerFrame(4 * dim());
    List<CompletableFuture<?>> parts = new ArrayList<>();
    for (int s = ranges.shardOf(start); s <= ranges.shardOf(end - 1); s++) {
      long from = Math.max(start, ranges.start(s));
      long to = Math.min(end, ranges.end(s));
      for (long a = from; a < to; a += perFrame) {
        long b = Math.min(to, a + perFrame);
        int at = (int) ((a - start) * dim());
        int shard = s;
        parts.add(client.send(route, shard, new PullRangeMessage(tableId, shard, a, b)).thenAccept(m -> {
          float[] v = ((ValuesMessage) m).values();
          System.arraycopy(v, 0, out, at, v.length);
        }));
      }
    }
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> out);
  }

  public float[] pullRange(long start, long end) {
    return await(pullRangeAsync(start, end), "pullRange");
  }

  @Override
  void checkKeyRange(long[] keys, int from, int to) {
    if (to > from && (keys[from] < 0 || keys[to - 1] >= rows())) {
      long bad = keys[from] < 0 ? keys[from] : keys[to - 1];
      throw new IllegalArgumentException("key out of range: key=" + bad + " ([0, " + rows() + ")) for table " + name);
    }
  }
}
