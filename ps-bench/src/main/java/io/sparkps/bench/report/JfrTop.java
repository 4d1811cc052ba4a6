package io.sparkps.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording's CPU samples ({@code jdk.ExecutionSample}): samples per thread
 * group (thread names without their trailing numbers), the hottest frames by self time (top of
 * stack), and the hottest spark-ps / Netty frames by inclusive time (anywhere on the stack).
 * Stateless.
 *
 * <p>Run: {@code java -cp benchmarks.jar io.sparkps.bench.report.JfrTop recording.jfr [top]}.
 */
public final class JfrTop {

  private JfrTop() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
    Map<String, Integer> threads = new HashMap<>();
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> parks = new HashMap<>();
    int samples = 0;
    try (RecordingFile rf = new RecordingFile(file)) {
      while (rf.hasMoreEvents()) {
        RecordedEvent e = rf.readEvent();
        String type = e.getEventType().getName();
        if (type.equals("jdk.ThreadPark")) {
          parks.merge(group(e.getThread()), 1, Integer::sum);
          continue;
        }
        if (!type.equals("jdk.ExecutionSample")) {
          continue;
        }
        samples++;
        RecordedThread t = e.getThread("sampledThread");
        threads.merge(group(t), 1, Integer::sum);
        RecordedStackTrace st = e.getStackTrace();
        if (st == null || st.getFrames().isEmpty()) {
          continue;
        }
        List<RecordedFrame> frames = st.getFrames();
        self.merge(name(frames.get(0)), 1, Integer::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame f : frames) {
          String n = name(f);
          if ((n.startsWith("io.sparkps") || n.startsWith("io.netty")) && seen.add(n)) {
            inclusive.merge(n, 1, Integer::sum);
          }
        }
      }
    }
    System.out.printf("%s: %d CPU samples%n", file, samples);
    print("CPU samples per thread group", threads, samples, top);
    print("hottest frames, self (top of stack)", self, samples, top);
    print("hottest spark-ps / Netty frames, inclusive", inclusive, samples, top);
    if (!parks.isEmpty()) {
      print("jdk.ThreadPark events per thread group (above the recording's threshold)", parks,
          parks.values().stream().mapToInt(Integer::intValue).sum(), top);
    }
  }

  private static void print(String title, Map<String, Integer> counts, int total, int top) {
    System.out.println();
    System.out.println(title + ":");
    counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
        .forEach(e -> System.out.printf("  %6d  %5.1f%%  %s%n", e.getValue(), 100.0 * e.getValue() / Math.max(1, total),
            e.getKey()));
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  private static String group(RecordedThread t) {
    if (t == null) {
      return "?";
    }
    String n = t.getJavaName() != null ? t.getJavaName() : t.getOSName();
    return n == null ? "?" : n.replaceAll("[-_]?\\d+$", "").replaceAll("-\\d+-", "-N-");
  }
}
