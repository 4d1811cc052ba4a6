package io.sparkps.bench.e2e;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of an {@link E2eReport} (XChart): {@code e2e-<size>.png}, held-out logloss against wall
 * time for every system at one size, and {@code e2e-growth.png}, cost per pass against D. Stateless.
 */
public final class E2ePlots {

  private static final Color[] COLORS = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868),
      new Color(0xC44E52), new Color(0x8172B3), new Color(0x937860), new Color(0x8C8C8C)};

  private E2ePlots() {}

  /** Writes the plots into {@code dir}; returns their paths. */
  public static List<Path> write(E2eReport report, Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    for (E2eReport.Curve c : report.curves()) {
      out.add(curve(c, dir.resolve("e2e-" + c.size() + ".png")));
    }
    if (!report.growth().isEmpty()) {
      out.add(growth(report.growth(), dir.resolve("e2e-growth.png")));
    }
    return out;
  }

  private static Path curve(E2eReport.Curve c, Path file) throws IOException {
    XYChart chart = chart(String.format("Held-out logloss against training time: %s (N = %,d, D = %s)", c.size(), c.n(),
        E2eReport.log2(c.d())), "wall time from the start of fit, s (log scale)", "held-out logloss (lower is better)");
    chart.getStyler().setXAxisLogarithmic(true);
    Map<String, List<E2ePoint>> series = new LinkedHashMap<>();
    for (E2ePoint p : c.points()) {
      if (p.seconds() > 0 && (p.system().equals("spark-ps") || p.system().equals("mllib")
          || p.system().equals("plain-java"))) {
        String name = p.system().equals("spark-ps") ? "spark-ps " + p.config()
            : p.system().equals("mllib") ? "MLlib L-BFGS (one run per maxIter)" : "plain Java, 1 thread, 1 pass";
        series.computeIfAbsent(name, k -> new ArrayList<>()).add(p);
      }
    }
    double minX = Double.MAX_VALUE;
    double maxX = 0;
    int color = 0;
    for (Map.Entry<String, List<E2ePoint>> e : series.entrySet()) {
      List<E2ePoint> ps = e.getValue().stream().sorted(Comparator.comparingDouble(E2ePoint::seconds)).toList();
      double[] x = ps.stream().mapToDouble(E2ePoint::seconds).toArray();
      double[] y = ps.stream().mapToDouble(E2ePoint::logLoss).toArray();
      XYSeries s = chart.addSeries(e.getKey(), x, y);
      s.setMarker(SeriesMarkers.CIRCLE);
      s.setLineColor(COLORS[color % COLORS.length]);
      s.setMarkerColor(COLORS[color++ % COLORS.length]);
      minX = Math.min(minX, x[0]);
      maxX = Math.max(maxX, x[x.length - 1]);
    }
    if (!Double.isNaN(c.target()) && maxX > 0) {
      XYSeries t = chart.addSeries("target: " + String.format("%.4f", c.target()), new double[] {minX, maxX},
          new double[] {c.target(), c.target()});
      t.setMarker(SeriesMarkers.NONE);
      t.setLineColor(Color.BLACK);
      t.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    }
    return save(chart, file);
  }

  private static Path growth(List<E2eReport.Growth> growth, Path file) throws IOException {
    XYChart chart = chart(String.format("Cost per pass over the data against D (N = %,d)", growth.get(0).n()),
        "log2 D", "seconds (log scale, lower is better)");
    chart.getStyler().setYAxisLogarithmic(true);
    add(chart, "spark-ps: one epoch (agd + ftrl, 2nd epoch)", growth, E2eReport.Growth::psEpoch, COLORS[1]);
    add(chart, "spark-ps: first epoch (incl. setup)", growth, E2eReport.Growth::psFirstEpoch, COLORS[2]);
    add(chart, "MLlib: one L-BFGS iteration", growth, E2eReport.Growth::mllibIteration, COLORS[0]);
    return save(chart, file);
  }

  private static void add(XYChart chart, String name, List<E2eReport.Growth> growth,
      java.util.function.ToDoubleFunction<E2eReport.Growth> f, Color color) {
    List<double[]> xy = new ArrayList<>();
    for (E2eReport.Growth g : growth) {
      double v = f.applyAsDouble(g);
      if (!Double.isNaN(v) && v > 0) {
        xy.add(new double[] {Long.numberOfTrailingZeros(Long.highestOneBit(g.d())), v});
      }
    }
    if (xy.isEmpty()) {
      return;
    }
    XYSeries s = chart.addSeries(name, xy.stream().mapToDouble(p -> p[0]).toArray(),
        xy.stream().mapToDouble(p -> p[1]).toArray());
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setLineColor(color);
    s.setMarkerColor(color);
  }

  private static XYChart chart(String title, String xTitle, String yTitle) {
    XYChart chart = new XYChartBuilder().width(1300).height(650).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
        .build();
    org.knowm.xchart.style.XYStyler st = chart.getStyler();
    st.setLegendPosition(Styler.LegendPosition.OutsideE);
    st.setLegendLayout(Styler.LegendLayout.Vertical);
    st.setChartBackgroundColor(Color.WHITE);
    st.setPlotBackgroundColor(Color.WHITE);
    st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    return chart;
  }

  private static Path save(XYChart chart, Path file) throws IOException {
    String name = file.getFileName().toString();
    BitmapEncoder.saveBitmap(chart, file.resolveSibling(name.substring(0, name.length() - 4)).toString(),
        BitmapEncoder.BitmapFormat.PNG);
    return file;
  }
}
