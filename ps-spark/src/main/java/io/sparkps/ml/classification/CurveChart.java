package io.sparkps.ml.classification;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The XChart side of {@link TrainingCurves}, apart so that only this class links against XChart
 * (TrainingCurves checks it is present first). Stateless.
 */
final class CurveChart {

  private static final Color[] COLORS = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868),
      new Color(0xC44E52), new Color(0x8172B3), new Color(0x937860)};
  private static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
      new float[] {6f, 4f}, 0f);

  /** One line of the chart: its legend name and its points (NaN values left out). */
  record Series(String name, double[] x, double[] y, boolean training, int color) {}

  private CurveChart() {}

  /**
   * The lines drawn for {@code curves}: per curve its held-out logloss (if any) and its training
   * logloss, against seconds, or against the epoch number when a curve has no times. Package-private
   * for tests: these are the chart's data.
   */
  static List<Series> series(List<TrainingCurves.Curve> curves) {
    boolean timed = timed(curves);
    List<Series> out = new ArrayList<>();
    for (int i = 0; i < curves.size(); i++) {
      TrainingCurves.Curve c = curves.get(i);
      double[] x = timed ? c.seconds() : epochs(c.seconds().length);
      if (c.hasHeldOut()) {
        out.add(measured(c.name() + " held-out logloss", x, c.heldOutLoss(), false, i));
      }
      out.add(measured(c.name() + " training logloss", x, c.trainingLoss(), true, i));
    }
    return out;
  }

  /** Whether {@link #series} plots against seconds (else against epochs). */
  static boolean timed(List<TrainingCurves.Curve> curves) {
    return curves.stream().allMatch(c -> java.util.Arrays.stream(c.seconds()).noneMatch(Double::isNaN));
  }

  static void write(Path png, List<TrainingCurves.Curve> curves, int width, int height) throws IOException {
    XYChart chart = new XYChartBuilder().width(width).height(height).title("Training curves")
        .xAxisTitle(timed(curves) ? "seconds since the fit started" : "epoch").yAxisTitle("logloss (lower is better)")
        .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setMarkerSize(6);
    for (Series s : series(curves)) {
      if (s.x().length == 0) {
        continue;  // XChart refuses empty series
      }
      XYSeries line = chart.addSeries(s.name(), s.x(), s.y());
      line.setLineColor(COLORS[s.color() % COLORS.length]);
      line.setMarkerColor(COLORS[s.color() % COLORS.length]);
      line.setMarker(s.training() ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
      if (s.training()) {
        line.setLineStyle(DASHED);
      }
    }
    Files.createDirectories(png.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(png)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    }
  }

  private static Series measured(String name, double[] x, double[] y, boolean training, int color) {
    int n = 0;
    for (double v : y) {
      n += Double.isNaN(v) ? 0 : 1;
    }
    double[] xs = new double[n];
    double[] ys = new double[n];
    int at = 0;
    for (int i = 0; i < y.length; i++) {
      if (!Double.isNaN(y[i])) {
        xs[at] = x[i];
        ys[at++] = y[i];
      }
    }
    return new Series(name, xs, ys, training, color);
  }

  private static double[] epochs(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i + 1;
    }
    return x;
  }
}
