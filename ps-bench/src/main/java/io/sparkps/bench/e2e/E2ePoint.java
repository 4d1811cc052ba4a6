package io.sparkps.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One measured point, a row of {@code e2e-points.csv}: a model of one system after some training,
 * with the wall time it took and its held-out quality, or a failure with its error line. Immutable.
 *
 * @param experiment {@code curve} (quality against time at one size) or {@code growth} (cost against D)
 * @param size the data size's name
 * @param n rows
 * @param d features
 * @param system {@code spark-ps}, {@code mllib}, {@code plain-java}, {@code constant} or {@code bayes}
 * @param config e.g. {@code agd+ftrl} or {@code lbfgs}
 * @param point epochs trained (spark-ps) or the maxIter asked for (mllib)
 * @param iterations passes actually made: epochs, or L-BFGS iterations
 * @param seconds wall time from the start of {@code fit} to this model, held-out scoring excluded
 * @param logLoss held-out logloss (NaN if failed)
 * @param auc held-out AUC (NaN if failed)
 * @param peakHeapGb peak Java heap used during this fit, GB (all heap pools' peaks summed)
 * @param status {@code ok}, {@code failed} or {@code timeout}
 * @param error the error's first line, empty when ok
 */
public record E2ePoint(String experiment, String size, long n, long d, String system, String config, int point,
    int iterations, double seconds, double logLoss, double auc, double peakHeapGb, String status, String error) {

  public static final String HEADER =
      "experiment,size,n,d,system,config,point,iterations,seconds,logloss,auc,peak_heap_gb,status,error";

  public boolean ok() {
    return status.equals("ok");
  }

  public String toCsv() {
    return String.join(",", experiment, size, Long.toString(n), Long.toString(d), system, config,
        Integer.toString(point), Integer.toString(iterations), num(seconds), num(logLoss), num(auc), num(peakHeapGb),
        status, clean(error));
  }

  /** A failed point of {@code system}/{@code config}: the error's first line, commas replaced. */
  public static E2ePoint failed(String experiment, Size size, String system, String config, int point,
      double seconds, String status, String error) {
    return new E2ePoint(experiment, size.name(), size.n(), size.d(), system, config, point, 0, seconds,
        Double.NaN, Double.NaN, Double.NaN, status, error);
  }

  /** Appends points to {@code file}, writing the header first when the file is new or empty. */
  public static void append(Path file, List<E2ePoint> points) throws IOException {
    List<String> lines = new ArrayList<>();
    if (!Files.exists(file) || Files.size(file) == 0) {
      lines.add(HEADER);
    }
    points.forEach(p -> lines.add(p.toCsv()));
    Files.write(file, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Every point of {@code file} (none when it does not exist). */
  public static List<E2ePoint> read(Path file) throws IOException {
    List<E2ePoint> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] c = line.split(",", -1);
      if (c.length != 14) {
        throw new IOException("malformed line in " + file + " (expected 14 cells: " + HEADER + "): " + line);
      }
      out.add(new E2ePoint(c[0], c[1], Long.parseLong(c[2]), Long.parseLong(c[3]), c[4], c[5],
          Integer.parseInt(c[6]), Integer.parseInt(c[7]), Double.parseDouble(c[8]), Double.parseDouble(c[9]),
          Double.parseDouble(c[10]), Double.parseDouble(c[11]), c[12], c[13]));
    }
    return out;
  }

  static String num(double v) {
    return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.6g", v);
  }

  /** One CSV cell: first line only, no commas, at most 300 characters. */
  static String clean(String s) {
    if (s == null) {
      return "";
    }
    String line = s.strip().lines().findFirst().orElse("").replace(',', ';');
    return line.length() > 300 ? line.substring(0, 300) : line;
  }
}
