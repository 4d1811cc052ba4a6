package io.sparkps.examples.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Writes {@link SyntheticData} as libsvm text, one file per part, plus a {@value #META_FILE} description.
 *
 * <p>Layout of the output directory:
 *
 * <ul>
 *   <li>{@code part-00000.libsvm} ... {@code part-<P-1>.libsvm}: part {@code p} holds rows {@code
 *       [partStart(P, p), partStart(P, p + 1))} (see {@link SyntheticData#partStart}) in row order, one line a
 *       row: {@code label idx:1 idx:1 ...} with the label written {@code 0} or {@code 1} and the K indices in
 *       ascending order. <b>Indices are 1-based</b>, as libsvm requires: the generator's 0-based feature
 *       {@code j} is written as {@code j + 1}. Spark's {@code spark.read.format("libsvm")} subtracts the 1 again;
 *       give it {@code .option("numFeatures", D)} so it does not infer D from the largest index.
 *   <li>{@value #META_FILE}: one flat JSON object with {@code n, d, k, seed, zipfS, rho, bias, parts,
 *       indexBase (1)}. The files carry no row index or split flag: line {@code i} of part {@code p} is row
 *       {@code partStart(P, p) + i}, held out iff that row index {@code mod 10 == 9}.
 * </ul>
 *
 * <p>Pure Java, no Spark. Stateless and thread-safe; {@link #write} writes parts in parallel on the common
 * fork-join pool.
 */
public final class LibSvmWriter {

  public static final String META_FILE = "_meta.json";

  private LibSvmWriter() {}

  /** The file name of part {@code part}: {@code part-%05d.libsvm}. */
  public static String partFileName(int part) {
    if (part < 0) {
      throw new IllegalArgumentException("part: part=" + part + " (allowed >= 0)");
    }
    return String.format(Locale.ROOT, "part-%05d.libsvm", part);
  }

  /**
   * Writes all N rows of {@code data} into {@code parts} files under {@code dir} (created if missing;
   * existing files of the same names are replaced) and then {@value #META_FILE}. Returns the part files in
   * order.
   */
  public static List<Path> write(SyntheticData data, Path dir, int parts) throws IOException {
    if (parts < 1 || parts > 100_000) {
      throw new IllegalArgumentException("parts: parts=" + parts + " (allowed [1, 100000])");
    }
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>(parts);
    for (int p = 0; p < parts; p++) {
      files.add(dir.resolve(partFileName(p)));
    }
    try {
      IntStream.range(0, parts).parallel().forEach(p -> {
        try (Writer out = Files.newBufferedWriter(files.get(p), StandardCharsets.US_ASCII)) {
          writeRows(data, data.partStart(parts, p), data.partStart(parts, p + 1), out);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    Files.writeString(dir.resolve(META_FILE), metaJson(data, parts), StandardCharsets.US_ASCII);
    return files;
  }

  /** Writes rows {@code [from, to)} of {@code data}, one libsvm line each; does not close {@code out}. */
  public static void writeRows(SyntheticData data, long from, long to, Writer out) throws IOException {
    Writer w = out instanceof BufferedWriter ? out : new BufferedWriter(out, 1 << 16);
    StringBuilder sb = new StringBuilder(16 * data.k() + 8);
    for (long r = from; r < to; r++) {
      sb.setLength(0);
      appendLine(sb, data.row(r));
      sb.append('\n');
      w.append(sb);
    }
    w.flush();
  }

  /** Appends {@code row} as one libsvm line (1-based indices, no newline). */
  public static StringBuilder appendLine(StringBuilder sb, SyntheticData.Row row) {
    sb.append(row.label() == 1.0 ? '1' : '0');
    for (long j : row.features()) {
      sb.append(' ').append(j + 1).append(":1");
    }
    return sb;
  }

  /** {@code row} as one libsvm line (1-based indices, no newline). */
  public static String line(SyntheticData.Row row) {
    return appendLine(new StringBuilder(), row).toString();
  }

  /**
   * One parsed libsvm line.
   *
   * @param label the label as written
   * @param features 0-based feature indices (the file's 1-based index minus 1), in file order
   * @param values the values, in file order
   */
  public record Line(double label, long[] features, double[] values) {}

  /** Parses one libsvm line ({@code label idx:value ...}, 1-based indices); rejects malformed input. */
  public static Line parseLine(String line) {
    String[] tokens = line.trim().split("\\s+");
    if (tokens.length == 0 || tokens[0].isEmpty()) {
      throw new IllegalArgumentException("libsvm line: line=\"" + line + "\" (allowed: label idx:value ...)");
    }
    double label;
    try {
      label = Double.parseDouble(tokens[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("libsvm label: label=\"" + tokens[0] + "\" (allowed: a number)", e);
    }
    long[] features = new long[tokens.length - 1];
    double[] values = new double[tokens.length - 1];
    for (int i = 1; i < tokens.length; i++) {
      int colon = tokens[i].indexOf(':');
      try {
        if (colon <= 0) {
          throw new NumberFormatException("no colon");
        }
        long index = Long.parseLong(tokens[i], 0, colon, 10);
        if (index < 1) {
          throw new IllegalArgumentException("libsvm index: index=" + index + " (allowed >= 1, 1-based)");
        }
        features[i - 1] = index - 1;
        values[i - 1] = Double.parseDouble(tokens[i].substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "libsvm feature: token=\"" + tokens[i] + "\" (allowed: index:value, index >= 1)", e);
      }
    }
    return new Line(label, features, values);
  }

  /** What {@value #META_FILE} describes: the data set and the number of parts. */
  public record Meta(SyntheticData data, int parts) {}

  /** The {@value #META_FILE} text for {@code data} written in {@code parts} parts. */
  public static String metaJson(SyntheticData data, int parts) {
    return String.format(Locale.ROOT,
        "{\"format\": \"libsvm\", \"indexBase\": 1, \"n\": %d, \"d\": %d, \"k\": %d, \"seed\": %d, "
            + "\"zipfS\": %s, \"rho\": %s, \"bias\": %s, \"parts\": %d, \"heldOut\": \"row %% 10 == 9\"}\n",
        data.n(), data.d(), data.k(), data.seed(), data.zipfS(), data.rho(), data.bias(), parts);
  }

  /** Reads {@value #META_FILE} from {@code dir}. */
  public static Meta readMeta(Path dir) throws IOException {
    String json = Files.readString(dir.resolve(META_FILE), StandardCharsets.US_ASCII);
    SyntheticData data = SyntheticData.builder()
        .n(Long.parseLong(field(json, "n")))
        .d(Long.parseLong(field(json, "d")))
        .k(Integer.parseInt(field(json, "k")))
        .seed(Long.parseLong(field(json, "seed")))
        .zipfS(Double.parseDouble(field(json, "zipfS")))
        .rho(Double.parseDouble(field(json, "rho")))
        .bias(Double.parseDouble(field(json, "bias")))
        .build();
    return new Meta(data, Integer.parseInt(field(json, "parts")));
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(-?[0-9][0-9.eE+-]*)").matcher(json);
    if (!m.find()) {
      throw new IllegalArgumentException("meta: field=" + name + " (missing or not a number in " + META_FILE + ")");
    }
    return m.group(1);
  }
}
