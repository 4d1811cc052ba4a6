package io.sparkps.bench.scaling;

import io.sparkps.core.clock.Consistency;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of a scaling run, from {@code --name=value} arguments; the driver hands the epoch's shape
 * to its worker JVMs with {@link #epochArgs()}.
 *
 * @param servers server JVM counts to measure ({@code --servers=1,2,4})
 * @param workers worker JVM counts to measure ({@code --workers=2,4})
 * @param lanes shard lanes per server to measure ({@code --lanes=2}: shards, so frames, per server)
 * @param modes consistency models, each an epoch of its own ({@code --modes=bsp,ssp2}: bsp, asp or sspN)
 * @param rows rows N of one epoch, split evenly over the workers ({@code --rows})
 * @param batch rows B per mini-batch ({@code --batch})
 * @param d feature space D of the shared generator ({@code --d}, a power of two or any long)
 * @param warmup warm-up batches each worker runs before the measured epochs ({@code --warmup})
 * @param out directory of the CSV, model report and PNG ({@code --out})
 * @param logs directory of every child JVM's output ({@code --logs}, default {@code <out>/scaling-logs})
 */
record ScalingOptions(List<Integer> servers, List<Integer> workers, List<Integer> lanes, List<String> modes, int rows, int batch,
    long d, int warmup, Path out, Path logs) {

  static final String USAGE = "options: --servers=1,2,4 --workers=2,4 --lanes=2 --modes=bsp,ssp2 --rows=300000 --batch=1024"
      + " --d=1048576 --warmup=60 --out=DIR --logs=DIR";

  ScalingOptions {
    require(!servers.isEmpty() && servers.stream().allMatch(s -> s >= 1), "servers", servers, ">= 1 each");
    require(!workers.isEmpty() && workers.stream().allMatch(w -> w >= 1), "workers", workers, ">= 1 each");
    require(!lanes.isEmpty() && lanes.stream().allMatch(l -> l >= 1), "lanes", lanes, ">= 1 each");
    modes.forEach(ScalingOptions::consistency);
    require(batch >= 1, "batch", batch, ">= 1");
    require(rows >= batch * workers.stream().mapToInt(Integer::intValue).max().orElse(1), "rows", rows,
        ">= batch x the largest worker count");
    require(d >= 2, "d", d, ">= 2");
    require(warmup >= 0, "warmup", warmup, ">= 0");
  }

  /** Parses {@code --name=value} arguments; unknown names fail with the usage. */
  static ScalingOptions parse(String... args) {
    Map<String, String> m = new HashMap<>(Map.of("servers", "1,2,4", "workers", "2,4", "lanes", "2", "modes", "bsp,ssp2",
        "rows", "300000", "batch", "1024", "d", Long.toString(1L << 20), "warmup", "60",
        "out", "ps-bench/target/bench", "logs", ""));
    Map<String, String> extra = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      require(arg.startsWith("--") && eq > 2, "argument", arg, "--name=value; " + USAGE);
      String name = arg.substring(2, eq);
      (m.containsKey(name) ? m : extra).put(name, arg.substring(eq + 1));
    }
    require(extra.keySet().stream().allMatch(WorkerArgs.NAMES::contains), "arguments", extra.keySet(), USAGE);
    return new ScalingOptions(ints(m.get("servers")), ints(m.get("workers")), ints(m.get("lanes")), List.of(m.get("modes").split(",")),
        Integer.parseInt(m.get("rows")), Integer.parseInt(m.get("batch")), Long.parseLong(m.get("d")),
        Integer.parseInt(m.get("warmup")), Path.of(m.get("out")),
        Path.of(m.get("logs").isEmpty() ? m.get("out") + "/scaling-logs" : m.get("logs")));
  }

  /** The epoch's shape as arguments {@link #parse} reads back (servers and workers excepted). */
  List<String> epochArgs() {
    return new ArrayList<>(List.of("--modes=" + String.join(",", modes), "--rows=" + rows, "--batch=" + batch,
        "--d=" + d, "--warmup=" + warmup, "--out=" + out, "--logs=" + logs));
  }

  /** {@code bsp}, {@code asp} or {@code ssp<s>}. */
  static Consistency consistency(String mode) {
    if (mode.equals("bsp")) {
      return Consistency.bsp();
    }
    if (mode.equals("asp")) {
      return Consistency.asp();
    }
    require(mode.matches("ssp[1-9][0-9]*"), "mode", mode, "bsp, asp or ssp<staleness>, e.g. ssp2");
    return Consistency.ssp(Integer.parseInt(mode.substring(3)));
  }

  /** Extra arguments a worker JVM gets besides the epoch's shape. */
  record WorkerArgs(String host, int port, int id, int numWorkers) {
    static final List<String> NAMES = List.of("scheduler", "worker-id", "num-workers");

    List<String> toArgs() {
      return List.of("--scheduler=" + host + ":" + port, "--worker-id=" + id, "--num-workers=" + numWorkers);
    }

    static WorkerArgs parse(String... args) {
      Map<String, String> m = new HashMap<>();
      for (String arg : args) {
        int eq = arg.indexOf('=');
        if (eq > 2 && NAMES.contains(arg.substring(2, eq))) {
          m.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
      }
      require(m.keySet().containsAll(NAMES), "worker arguments", Arrays.toString(args), "--" + NAMES);
      String scheduler = m.get("scheduler");
      int colon = scheduler.lastIndexOf(':');
      return new WorkerArgs(scheduler.substring(0, colon), Integer.parseInt(scheduler.substring(colon + 1)),
          Integer.parseInt(m.get("worker-id")), Integer.parseInt(m.get("num-workers")));
    }
  }

  private static List<Integer> ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::valueOf).toList();
  }

  private static void require(boolean ok, String what, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException("scaling bench: " + what + "=" + value + " (" + expected + ")");
    }
  }
}
