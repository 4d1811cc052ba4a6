package io.sparkps.bench.e2e;

import io.sparkps.ml.classification.EpochBreakdown;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Where spark-ps's epochs spend their time ({@link EpochBreakdown}): {@code e2e-breakdown.csv}, one
 * row per (size, config, epoch), written by the step JVMs; a markdown table of it; and
 * {@code e2e-breakdown-<size>.png}, one stacked bar per method and epoch. Stateless.
 */
final class E2eBreakdown {

  static final String FILE = "e2e-breakdown.csv";
  static final String HEADER = "size,config,epoch," + String.join(",", EpochBreakdown.PHASES);

  private static final Color[] COLORS = {new Color(0x8172B3), new Color(0x4C72B0), new Color(0xDD8452),
      new Color(0x55A868), new Color(0xC44E52), new Color(0x8C8C8C), new Color(0x937860)};

  /** One row: a size, a config, an epoch and its phases in seconds. */
  record Row(String size, String config, int epoch, double[] seconds) {

    /**
     * The epoch's own wall time: every phase but the held-out scoring after it (which the curves
     * leave out too), and without what a fit does once after its last epoch (pulling the model).
     */
    double trainingSeconds() {
      double t = 0;
      for (int i = 0; i < seconds.length - 1; i++) {
        t += seconds[i];
      }
      return t;
    }
  }

  private E2eBreakdown() {}

  static String csvLine(Size size, String config, int epoch, EpochBreakdown b) {
    StringBuilder s = new StringBuilder(size.name()).append(',').append(config).append(',').append(epoch);
    for (double v : b.values()) {
      s.append(',').append(E2ePoint.num(v));
    }
    return s.toString();
  }

  /** Appends lines to {@code file}, the header first when the file is new. */
  static void append(Path file, List<String> lines) throws IOException {
    List<String> all = new ArrayList<>();
    if (!Files.exists(file) || Files.size(file) == 0) {
      all.add(HEADER);
    }
    all.addAll(lines);
    Files.write(file, all, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  static List<Row> read(Path file) throws IOException {
    List<Row> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] c = line.split(",", -1);
      if (c.length != 3 + EpochBreakdown.PHASES.length) {
        throw new IOException("malformed line in " + file + " (expected " + HEADER + "): " + line);
      }
      double[] v = new double[EpochBreakdown.PHASES.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = Double.parseDouble(c[3 + i]);
      }
      out.add(new Row(c[0], c[1], Integer.parseInt(c[2]), v));
    }
    return out;
  }

  /** A markdown table per size: each method's epochs, phase by phase, in seconds. */
  static String markdown(List<Row> rows) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, List<Row>> size : bySize(rows).entrySet()) {
      b.append("\n### Per-epoch time breakdown: ").append(size.getKey()).append(" (seconds; task phases are means "
          + "over the workers)\n\n| config | epoch | total | ").append(String.join(" | ", EpochBreakdown.PHASES))
          .append(" |\n|---|---|---|").append("---|".repeat(EpochBreakdown.PHASES.length)).append('\n');
      for (Row r : size.getValue()) {
        b.append("| ").append(r.config()).append(" | ").append(r.epoch()).append(" | ")
            .append(String.format(Locale.ROOT, "%.2f", Arrays.stream(r.seconds()).sum()));
        for (double v : r.seconds()) {
          b.append(String.format(Locale.ROOT, " | %.2f", v));
        }
        b.append(" |\n");
      }
    }
    return b.toString();
  }

  /** Writes {@code e2e-breakdown-<size>.png} for every size; returns their paths. */
  static List<Path> plots(List<Row> rows, Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Map.Entry<String, List<Row>> size : bySize(rows).entrySet()) {
      List<Row> rs = size.getValue();
      CategoryChart chart = new CategoryChartBuilder().width(1300).height(650)
          .title("Where each epoch's time goes: " + size.getKey() + " (2 workers; task phases are means over workers)")
          .xAxisTitle("method + optimizer, epoch").yAxisTitle("seconds").build();
      chart.getStyler().setStacked(true);
      chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
      chart.getStyler().setChartBackgroundColor(Color.WHITE);
      chart.getStyler().setPlotBackgroundColor(Color.WHITE);
      chart.getStyler().setXAxisLabelRotation(45);
      List<String> labels = rs.stream().map(r -> r.config() + " e" + r.epoch()).toList();
      for (int p = 0; p < EpochBreakdown.PHASES.length; p++) {
        int phase = p;
        List<Double> ys = rs.stream().map(r -> Double.isNaN(r.seconds()[phase]) ? 0.0 : r.seconds()[phase]).toList();
        chart.addSeries(EpochBreakdown.PHASES[p], labels, ys).setFillColor(COLORS[p % COLORS.length]);
      }
      Path file = dir.resolve("e2e-breakdown-" + size.getKey() + ".png");
      BitmapEncoder.saveBitmap(chart, dir.resolve("e2e-breakdown-" + size.getKey()).toString(),
          BitmapEncoder.BitmapFormat.PNG);
      out.add(file);
    }
    return out;
  }

  private static Map<String, List<Row>> bySize(List<Row> rows) {
    Map<String, List<Row>> m = new LinkedHashMap<>();
    for (Row r : rows) {
      m.computeIfAbsent(r.size(), k -> new ArrayList<>()).add(r);
    }
    return m;
  }
}
