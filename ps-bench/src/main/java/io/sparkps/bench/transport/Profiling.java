package io.sparkps.bench.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import one.profiler.AsyncProfiler;
import one.profiler.Counter;

/**
 * async-profiler inside the benchmark JVM, around the measured points only (not start-up,
 * loading or verification): {@code event} is {@code cpu} (perf_events, kernel frames included),
 * {@code itimer}, {@code wall} (every thread, running or waiting: shows hand-offs) or
 * {@code alloc}. Writes {@code profile-EVENT.collapsed} (flame-graph input, one line per
 * thread+stack) and {@code profile-EVENT.txt} (samples per thread group, hottest methods).
 * NOT thread-safe: one run at a time.
 */
final class Profiling {

  private final String event;
  private final Path dir;
  private final AsyncProfiler profiler;

  private Profiling(String event, Path dir) {
    this.event = event;
    this.dir = dir;
    this.profiler = AsyncProfiler.getInstance();
  }

  static Profiling start(String event, Path dir) throws IOException {
    Profiling p = new Profiling(event, dir);
    String interval = switch (event) {
      case "wall" -> ",interval=1ms";
      case "alloc" -> "";
      default -> ",interval=1ms";
    };
    p.profiler.execute("start,event=" + event + interval + ",threads");
    return p;
  }

  void stop() throws IOException {
    profiler.stop();
    Files.createDirectories(dir);
    String collapsed = profiler.dumpCollapsed(Counter.SAMPLES);
    Files.writeString(dir.resolve("profile-" + event + ".collapsed"), collapsed, StandardCharsets.UTF_8);
    StringBuilder report = new StringBuilder();
    report.append("async-profiler event=").append(event).append(", measured points only\n\n");
    report.append(threadGroups(collapsed)).append('\n');
    report.append(profiler.dumpFlat(40)).append('\n');
    report.append(profiler.dumpTraces(12));
    Files.writeString(dir.resolve("profile-" + event + ".txt"), report.toString(), StandardCharsets.UTF_8);
  }

  /** Samples per thread group (the first collapsed frame is the thread name, numbers dropped). */
  static String threadGroups(String collapsed) {
    Map<String, Long> groups = new HashMap<>();
    long total = 0;
    for (String line : collapsed.split("\n")) {
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      long n = Long.parseLong(line.substring(space + 1).trim());
      String first = line.substring(0, space).split(";", 2)[0];
      String group = first.replaceAll("\\[tid=\\d+\\]", "").replaceAll("[-_ ]?\\d+", "-N").trim();
      groups.merge(group, n, Long::sum);
      total += n;
    }
    StringBuilder sb = new StringBuilder("samples per thread group:\n");
    long all = total;
    groups.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(e ->
        sb.append(String.format(java.util.Locale.ROOT, "  %8d  %5.1f%%  %s%n", e.getValue(),
            100.0 * e.getValue() / Math.max(1, all), e.getKey())));
    return sb.toString();
  }
}
