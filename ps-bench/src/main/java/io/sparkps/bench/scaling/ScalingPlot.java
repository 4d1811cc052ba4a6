package io.sparkps.bench.scaling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * {@code scaling.png}: batches per second of each (S, W) configuration, one bar per consistency
 * model, beside the CPU one batch cost (servers, workers, scheduler) in the first model. Redraw it,
 * and the model report, from the CSV with {@code java -cp ... io.sparkps.bench.scaling.ScalingPlot DIR}.
 */
public final class ScalingPlot {

  private ScalingPlot() {}

  /** Redraws {@code scaling.png} and rewrites {@code scaling-model.md} from {@code DIR/scaling.csv}. */
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "docs/benchmarks/scaling");
    List<ScalingPoint> points = ScalingPoint.read(dir.resolve("scaling.csv"));
    Files.writeString(dir.resolve("scaling-model.md"), ScalingModel.fit(points).report(points));
    System.out.println("wrote " + write(points, dir) + " and " + dir.resolve("scaling-model.md"));
  }

  static Path write(List<ScalingPoint> points, Path dir) throws IOException {
    List<String> configs = new ArrayList<>();
    Map<String, List<Double>> rate = new LinkedHashMap<>();
    for (ScalingPoint p : points) {
      String config = "S=" + p.servers() + " W=" + p.workers() + (p.lanes() == 2 ? "" : " L=" + p.lanes());
      if (!configs.contains(config)) {
        configs.add(config);
      }
      rate.computeIfAbsent(p.mode(), m -> new ArrayList<>()).add(p.batchesPerSecond());
    }
    CategoryChart throughput = chart("Epoch throughput (loopback, all JVMs share the cores)", "batches / s");
    rate.forEach((mode, values) -> throughput.addSeries(mode, configs, values));

    String first = points.get(0).mode();
    List<ScalingPoint> firstMode = points.stream().filter(p -> p.mode().equals(first)).toList();
    CategoryChart cpu = chart("CPU per batch, " + first + " (ms)", "CPU ms per batch");
    cpu.getStyler().setStacked(true);
    cpu.addSeries("servers", configs, perBatch(firstMode, 0));
    cpu.addSeries("workers", configs, perBatch(firstMode, 1));
    cpu.addSeries("scheduler", configs, perBatch(firstMode, 2));

    // XChart adds the extension itself.
    BitmapEncoder.saveBitmap(List.of(throughput, cpu), 1, 2, dir.resolve("scaling").toString(),
        BitmapEncoder.BitmapFormat.PNG);
    return dir.resolve("scaling.png");
  }

  private static List<Double> perBatch(List<ScalingPoint> points, int which) {
    return points.stream().map(p -> 1e3 / p.batches()
        * (which == 0 ? p.serverCpu() : which == 1 ? p.workerCpu() : p.schedulerCpu())).toList();
  }

  private static CategoryChart chart(String title, String yTitle) {
    CategoryChart c = new CategoryChartBuilder().width(640).height(420).title(title).xAxisTitle("configuration")
        .yAxisTitle(yTitle).build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS); // inside, it hides the tallest bars
    return c;
  }
}
