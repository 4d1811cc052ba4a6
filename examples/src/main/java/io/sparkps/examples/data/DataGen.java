package io.sparkps.examples.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command line: writes the synthetic data set as libsvm files (see {@link LibSvmWriter} for the layout and
 * the 1-based index convention).
 *
 * <pre>
 * DataGen --n N --d D [--k K] [--seed S] --out DIR [--parts P]
 * </pre>
 *
 * <p>K defaults to 30, the seed to 42, P to 1. Numbers may be written {@code 1000000}, {@code 1_000_000} or
 * {@code 2^20}. Exit status 0 on success, 2 on bad arguments, 1 on an I/O error. Not meant for concurrent use.
 */
public final class DataGen {

  private static final Set<String> KNOWN = Set.of("n", "d", "k", "seed", "out", "parts");
  private static final String USAGE =
      "usage: DataGen --n N --d D [--k K (30)] [--seed S (42)] --out DIR [--parts P (1)]";

  private DataGen() {}

  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      // An uncaught exception gives a non-zero exit status without System.exit.
      throw new IllegalStateException("DataGen failed with status " + status + " (" + (status == 2
          ? "bad arguments" : "I/O error") + "); see the message above");
    }
  }

  /** Runs the command; returns the exit status. Progress goes to {@code out}, errors to {@code err}. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    SyntheticData data;
    Path dir;
    int parts;
    try {
      Map<String, String> opts = parse(args);
      data = SyntheticData.builder()
          .n(number(opts, "n", null))
          .d(number(opts, "d", null))
          .k(Math.toIntExact(number(opts, "k", (long) SyntheticData.DEFAULT_K)))
          .seed(number(opts, "seed", SyntheticData.DEFAULT_SEED))
          .build();
      parts = Math.toIntExact(number(opts, "parts", 1L));
      String o = opts.get("out");
      if (o == null || o.isEmpty()) {
        throw new IllegalArgumentException("option: out=unset (required, a directory)");
      }
      dir = Path.of(o);
    } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
      err.println("DataGen: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      List<Path> files = LibSvmWriter.write(data, dir, parts);
      out.printf("wrote %d rows (n=%d, d=%d, k=%d, seed=%d) in %d part(s) to %s%n", data.n(), data.n(), data.d(),
          data.k(), data.seed(), files.size(), dir.toAbsolutePath());
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("DataGen: " + e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (IOException e) {
      err.println("DataGen: cannot write " + dir + ": " + e);
      return 1;
    }
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || !KNOWN.contains(a.substring(2))) {
        throw new IllegalArgumentException("option: arg=\"" + a + "\" (allowed --n --d --k --seed --out --parts)");
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option: " + a + "=missing value (each option takes one value)");
      }
      if (opts.put(a.substring(2), args[++i]) != null) {
        throw new IllegalArgumentException("option: " + a + " given twice (allowed once)");
      }
    }
    return opts;
  }

  private static long number(Map<String, String> opts, String name, Long dflt) {
    String v = opts.get(name);
    if (v == null) {
      if (dflt == null) {
        throw new IllegalArgumentException("option: " + name + "=unset (required)");
      }
      return dflt;
    }
    return parseNumber(name, v);
  }

  /** Parses {@code 123}, {@code 1_000}, {@code -5} or {@code 2^20}. */
  static long parseNumber(String name, String v) {
    try {
      String s = v.replace("_", "");
      int caret = s.indexOf('^');
      if (caret < 0) {
        return Long.parseLong(s);
      }
      long base = Long.parseLong(s.substring(0, caret));
      int exp = Integer.parseInt(s.substring(caret + 1));
      if (base < 0 || exp < 0 || exp > 63) {
        throw new NumberFormatException("out of range");
      }
      long result = 1;
      for (int i = 0; i < exp; i++) {
        result = Math.multiplyExact(result, base);
      }
      return result;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "option: " + name + "=" + v + " (allowed: an integer, or a^b with a >= 0, b in [0, 63], fitting in a long)", e);
    }
  }
}
