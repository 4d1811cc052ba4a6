package io.sparkps.spark.testing;

import java.util.List;

/** Line counts of a log as Spark's default layout writes it: total, WARN, ERROR, stack-trace lines. */
public record LogCounts(int lines, int warn, int error, int stack) {

  public static LogCounts of(List<String> log) {
    int warn = 0;
    int error = 0;
    int stack = 0;
    for (String l : log) {
      if (l.contains(" WARN ")) {
        warn++;
      } else if (l.contains(" ERROR ")) {
        error++;
      } else if (l.startsWith("\tat ") || l.startsWith("Caused by: ") || l.matches("\\s+\\.\\.\\. \\d+ more")) {
        stack++;
      }
    }
    return new LogCounts(log.size(), warn, error, stack);
  }

  @Override
  public String toString() {
    return lines + " lines, " + warn + " WARN, " + error + " ERROR, " + stack + " stack-trace lines";
  }
}
