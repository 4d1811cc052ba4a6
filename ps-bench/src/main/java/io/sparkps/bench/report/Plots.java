package io.sparkps.bench.report;

import io.sparkps.bench.e2e.E2ePlots;
import io.sparkps.bench.e2e.E2eReport;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws the PNG plots of {@code docs/benchmarks/} from the CSV files next to them (XChart):
 * {@code transport-points.csv} gives transport-dense/sparse/small.png, {@code jmh.csv} gives
 * jmh-codec/store/updaters.png, {@code e2e-points.csv} the end-to-end plots ({@link E2ePlots}).
 * Missing inputs are skipped. Stateless.
 *
 * <p>Run: {@code java -cp benchmarks.jar io.sparkps.bench.report.Plots docs/benchmarks}.
 */
public final class Plots {

  private static final Color REFERENCE = new Color(0x4C72B0);
  private static final Color SPARK_PS = new Color(0xDD8452);
  private static final Color THIRD = new Color(0x55A868);
  private static final Color FOURTH = new Color(0x8C8C8C);

  private Plots() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "docs/benchmarks");
    List<Path> written = new ArrayList<>();
    Path points = dir.resolve("transport-points.csv");
    if (Files.exists(points)) {
      written.addAll(transport(readCsv(points), dir));
    }
    Path jmh = dir.resolve("jmh.csv");
    if (Files.exists(jmh)) {
      written.addAll(jmh(readCsv(jmh), dir));
    }
    Path e2e = dir.resolve("e2e-points.csv");
    if (Files.exists(e2e)) {
      written.addAll(E2ePlots.write(E2eReport.read(dir), dir));
    }
    written.forEach(p -> System.out.println("wrote " + p));
  }

  // ---- transport ----

  private static List<Path> transport(List<Map<String, String>> rows, Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    List<Integer> clients = rows.stream().map(r -> Integer.parseInt(r.get("clients"))).distinct().sorted().toList();
    Map<String, Double> psLite = Map.of("dense-pull", 1.83, "dense-push-sum", 1.98, "sparse-pull", 13.8,
        "sparse-push-sum", 15.4);
    for (String kind : List.of("dense", "sparse")) {
      List<String> workloads = List.of(kind + "-pull", kind + "-push-sum", kind + "-push-adagrad");
      List<String> categories = new ArrayList<>();
      Map<String, List<Double>> series = new LinkedHashMap<>();
      for (String s : List.of("reference", "spark-ps", "ps-lite (measured separately, 1 client)")) {
        series.put(s, new ArrayList<>());
      }
      for (String w : workloads) {
        for (int c : clients) {
          categories.add(w.substring(kind.length() + 1).replace("push-", "push ") + " c=" + c);
          String col = kind.equals("dense") ? "gb_per_s" : "keys_per_s";
          double scale = kind.equals("dense") ? 1 : 1e-6;
          series.get("reference").add(median(rows, "reference", w, c, col) * scale);
          series.get("spark-ps").add(median(rows, "spark-ps", w, c, col) * scale);
          series.get("ps-lite (measured separately, 1 client)").add(c == 1 && psLite.containsKey(w) ? psLite.get(w) : null);
        }
      }
      String title = kind.equals("dense")
          ? "Dense 4 MiB row: pull and push throughput (loopback, one JVM)"
          : "Sparse 10,000 keys x 16 floats: pull and push throughput (loopback, one JVM)";
      String yTitle = kind.equals("dense") ? "GB/s of float payload (higher is better)" : "M keys/s (higher is better)";
      out.add(bar(title, yTitle, categories, series, dir.resolve("transport-" + kind + ".png"),
          REFERENCE, SPARK_PS, FOURTH));
    }
    List<String> categories = new ArrayList<>();
    Map<String, List<Double>> series = new LinkedHashMap<>();
    for (String s : List.of("reference", "spark-ps", "ps-transport-only")) {
      series.put(s, new ArrayList<>());
    }
    for (int c : clients) {
      for (String q : List.of("p50_us", "p99_us")) {
        categories.add(q.substring(0, 3) + " c=" + c);
        for (String s : series.keySet()) {
          double v = median(rows, s, "small-pull", c, q);
          series.get(s).add(Double.isNaN(v) ? null : v);
        }
      }
    }
    out.add(bar("Single-key pull round trip (dim 16): latency", "µs (lower is better)", categories, series,
        dir.resolve("transport-small.png"), REFERENCE, SPARK_PS, THIRD));
    return out;
  }

  private static double median(List<Map<String, String>> rows, String system, String workload, int clients, String col) {
    double[] v = rows.stream().filter(r -> r.get("system").equals(system) && r.get("workload").equals(workload)
        && Integer.parseInt(r.get("clients")) == clients).mapToDouble(r -> Double.parseDouble(r.get(col))).sorted()
        .toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  // ---- JMH ----

  private static List<Path> jmh(List<Map<String, String>> rows, Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    // Codec: GB/s of frame bytes.
    List<String> messages = List.of("PULL", "VALUES", "PUSH");
    Map<String, List<Double>> codec = new LinkedHashMap<>();
    for (String m : List.of("encode", "decode", "encodeDecode")) {
      List<Double> values = new ArrayList<>();
      for (String msg : messages) {
        Map<String, String> r = find(rows, "CodecBench." + m, "Param: message", msg);
        if (r == null) {
          values.add(null);
          continue;
        }
        int keys = Integer.parseInt(r.get("Param: keys"));
        int dim = Integer.parseInt(r.get("Param: dim"));
        double frame = frameBytes(msg, keys, dim);
        values.add(score(r) * frame / 1e9);
      }
      codec.put(m, values);
    }
    if (codec.values().stream().flatMap(List::stream).anyMatch(v -> v != null)) {
      out.add(bar("Frame codec, 10,000 keys x 16 floats (JMH, 1 thread)", "GB/s of frame bytes (higher is better)",
          messages, codec, dir.resolve("jmh-codec.png"), REFERENCE, SPARK_PS, THIRD));
    }
    List<String> ops = List.of("pull", "push", "pullBatch", "pushBatch");
    Map<String, List<Double>> store = new LinkedHashMap<>();
    for (String impl : List.of("SparseShardStore", "HashMap")) {
      List<Double> values = new ArrayList<>();
      for (String op : ops) {
        Map<String, String> r = find(rows, "ShardStoreBench." + op, "Param: impl", impl);
        values.add(r == null ? null : score(r) / 1e6);
      }
      store.put(impl.equals("HashMap") ? "HashMap<Long, float[]> (baseline)" : impl, values);
    }
    if (store.values().stream().flatMap(List::stream).anyMatch(v -> v != null)) {
      out.add(bar("Shard store, 1M keys x 16 floats, random keys (JMH, 1 thread)", "M keys/s (higher is better)",
          List.of("pull (1 key/call)", "push sum (1 key/call)", "pull (10k keys/call)", "push sum (10k keys/call)"),
          store, dir.resolve("jmh-store.png"), SPARK_PS, REFERENCE, THIRD));
    }
    List<String> updaters = List.of("sum", "sgd", "adagrad", "adam", "ftrl");
    List<Double> values = new ArrayList<>();
    for (String u : updaters) {
      Map<String, String> r = find(rows, "UpdaterBench.apply", "Param: updater", u);
      values.add(r == null ? null : score(r) / 1e6);
    }
    if (values.stream().anyMatch(v -> v != null)) {
      Map<String, List<Double>> s = new LinkedHashMap<>();
      s.put("rows of 16 floats", values);
      out.add(bar("Updaters: one pushed row of 16 floats (JMH, 1 thread)", "M rows/s (higher is better)", updaters, s,
          dir.resolve("jmh-updaters.png"), SPARK_PS, REFERENCE, THIRD));
    }
    return out;
  }

  /** Frame bytes including the length field, header and array counts (see the messages' encodedLength). */
  static double frameBytes(String message, int keys, int dim) {
    int header = 4 + 10;
    return switch (message) {
      case "PULL" -> header + 8 + 4 + 8.0 * keys;
      case "VALUES" -> header + 4 + 4.0 * keys * dim;
      case "PUSH" -> header + 10 + 24 + 4 + 8.0 * keys + 4 + 4.0 * keys * dim;
      default -> Double.NaN;
    };
  }

  private static Map<String, String> find(List<Map<String, String>> rows, String benchmarkSuffix, String param,
      String value) {
    return rows.stream().filter(r -> r.get("Benchmark").endsWith(benchmarkSuffix) && value.equals(r.get(param)))
        .findFirst().orElse(null);
  }

  private static double score(Map<String, String> r) {
    return Double.parseDouble(r.get("Score").replace(',', '.'));
  }

  // ---- drawing ----

  private static Path bar(String title, String yTitle, List<String> categories, Map<String, List<Double>> series,
      Path file, Color... colors) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(1100).height(600).title(title).yAxisTitle(yTitle).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    chart.getStyler().setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
    chart.getStyler().setLabelsFontColor(Color.BLACK);
    chart.getStyler().setLabelsPosition(0.98);
    chart.getStyler().setDecimalPattern("#,##0.##");
    chart.getStyler().setSeriesColors(Arrays.copyOf(colors, series.size()));
    chart.getStyler().setYAxisMin(0.0);
    double max = series.values().stream().flatMap(List::stream).filter(v -> v != null && !v.isNaN())
        .mapToDouble(Double::doubleValue).max().orElse(1);
    chart.getStyler().setYAxisMax(max * 1.08);  // room for the value labels
    for (Map.Entry<String, List<Double>> e : series.entrySet()) {
      List<Double> ys = new ArrayList<>();
      for (Double v : e.getValue()) {
        ys.add(v == null || v.isNaN() ? null : v);
      }
      chart.addSeries(e.getKey(), categories, ys);
    }
    String name = file.getFileName().toString();
    BitmapEncoder.saveBitmap(chart, file.resolveSibling(name.substring(0, name.length() - 4)).toString(),
        BitmapEncoder.BitmapFormat.PNG);
    return file;
  }

  // ---- CSV ----

  /** Rows as header -> value maps; quotes stripped; no quoted commas in our files. */
  static List<Map<String, String>> readCsv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    if (lines.isEmpty()) {
      return List.of();
    }
    String[] header = split(lines.get(0));
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] cells = split(line);
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], i < cells.length ? cells[i] : "");
      }
      rows.add(row);
    }
    return rows;
  }

  private static String[] split(String line) {
    String[] cells = line.split(",", -1);
    for (int i = 0; i < cells.length; i++) {
      String c = cells[i].trim();
      if (c.length() >= 2 && c.startsWith("\"") && c.endsWith("\"")) {
        c = c.substring(1, c.length() - 1);
      }
      cells[i] = c;
    }
    return cells;
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
