package io.sparkps.bench.scaling;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one worker measured in one epoch, handed to the driver as one line of its output ({@link
 * #toLine()}, {@link #parse}).
 *
 * @param mode consistency model of the epoch
 * @param worker worker id
 * @param batches mini-batches run
 * @param keys distinct keys pulled, summed over batches (pushed: the same keys)
 * @param frames pull frames sent, summed over batches (one per shard a batch touches; pushes send as many)
 * @param pullNanos time in pulls
 * @param computeNanos time computing gradients
 * @param pushNanos time in pushes (until acknowledged)
 * @param clockNanos time in {@code clock()}: one round trip to the scheduler plus waiting for slower workers
 * @param wallNanos the epoch, from the start barrier to the last clock
 * @param serverKeys keys sent to each server (by ascending server id), summed over batches
 */
record WorkerResult(String mode, int worker, int batches, long keys, long frames, long pullNanos,
    long computeNanos, long pushNanos, long clockNanos, long wallNanos, long[] serverKeys) {

  static final String PREFIX = "SCALING-RESULT ";

  String toLine() {
    return PREFIX + "mode=" + mode + " worker=" + worker + " batches=" + batches + " keys=" + keys
        + " frames=" + frames + " pull=" + pullNanos + " compute=" + computeNanos + " push=" + pushNanos
        + " clock=" + clockNanos + " wall=" + wallNanos + " serverKeys="
        + Arrays.stream(serverKeys).mapToObj(Long::toString).collect(Collectors.joining(","));
  }

  /** Reads a line written by {@link #toLine()}. */
  static WorkerResult parse(String line) {
    if (!line.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a worker result: line=" + line + " (starts with " + PREFIX + ")");
    }
    Map<String, String> m = new HashMap<>();
    for (String field : line.substring(PREFIX.length()).trim().split(" ")) {
      int eq = field.indexOf('=');
      m.put(field.substring(0, eq), field.substring(eq + 1));
    }
    return new WorkerResult(m.get("mode"), Integer.parseInt(m.get("worker")), Integer.parseInt(m.get("batches")),
        l(m, "keys"), l(m, "frames"), l(m, "pull"), l(m, "compute"), l(m, "push"), l(m, "clock"), l(m, "wall"),
        Arrays.stream(m.get("serverKeys").split(",")).mapToLong(Long::parseLong).toArray());
  }

  private static long l(Map<String, String> m, String name) {
    return Long.parseLong(m.get(name));
  }
}
