package io.sparkps.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The end-to-end figures computed from the raw points: per size, each system's time to reach the
 * best held-out logloss spark.ml reaches (the rule of BENCHMARKS.md), final quality and peak heap;
 * the cost per pass over the data against D; and the targets with met / missed. Immutable.
 *
 * @param curves one per size of the {@code curve} experiment, in the order they ran
 * @param growth one per D of the {@code growth} experiment
 * @param targets the targets that the measured sizes allow to check
 */
public record E2eReport(List<Curve> curves, List<Growth> growth, List<Target> targets, List<Setup> setups) {

  /**
   * What a step's JVM spent outside the timed fits, from {@code e2e-steps.csv}.
   *
   * @param session seconds to start Spark (and, with the plugin, the parameter servers)
   * @param datagen seconds to generate and cache the data
   * @param peakRssGb the JVM's peak resident set
   */
  public record Setup(String size, String system, double session, double datagen, double peakRssGb, String status) {

    /** Rows of {@code e2e-steps.csv} (header first). */
    public static List<Setup> parse(List<String> lines) {
      List<Setup> out = new ArrayList<>();
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] c = line.split(",", -1);
        if (c.length >= 7) {
          out.add(new Setup(c[1], c[2], Double.parseDouble(c[3]), Double.parseDouble(c[4]), Double.parseDouble(c[5]),
              c[6]));
        }
      }
      return out;
    }
  }

  /**
   * One size's comparison.
   *
   * @param target the held-out logloss to reach: MLlib's best at this size, or at medium when MLlib failed here
   * @param targetSource what the target is
   * @param rows every trained system, MLlib first
   * @param points every ok point of this size (for the plot)
   */
  public record Curve(String size, long n, long d, double target, String targetSource, double constant,
      double bayes, double bayesAuc, List<Row> rows, List<E2ePoint> points) {}

  /**
   * One system's line: {@code timeToTarget} NaN when never reached; {@code fractionOfMllib} = its time to
   * the target over MLlib's.
   */
  public record Row(String system, String config, double timeToTarget, double fractionOfMllib, double finalLogLoss,
      double finalAuc, double totalSeconds, double peakHeapGb, String status) {}

  /**
   * Cost of a pass over the data at one D: spark-ps's second epoch (the first includes setting up)
   * as the epoch's own time from the breakdown when there is one ({@code psEpoch}), and as the
   * curve's point difference, which adds pulling the trained model to the driver at the end of
   * the fit ({@code psEpochAndModel}); MLlib's time per L-BFGS iteration (difference of two runs,
   * so its one-off statistics pass drops out).
   */
  public record Growth(long n, long d, double psFirstEpoch, double psEpoch, double psEpochAndModel, double psLogLoss,
      double mllibIteration, boolean mllibAveraged, String mllibStatus) {}

  /** A target of the issue and whether this run met it. */
  public record Target(String name, String measured, boolean met) {}

  public static E2eReport of(List<E2ePoint> points, List<Setup> setups) {
    return of(points, setups, List.of());
  }

  /**
   * The report of what a run left in {@code dir}: its points, its steps' setup costs and spark-ps's
   * per-epoch breakdown (each file optional but the points).
   */
  public static E2eReport read(Path dir) throws IOException {
    Path steps = dir.resolve(E2eRun.STEPS);
    return of(E2ePoint.read(dir.resolve(E2eRun.POINTS)),
        Files.exists(steps) ? Setup.parse(Files.readAllLines(steps)) : List.of(),
        E2eBreakdown.read(dir.resolve(E2eBreakdown.FILE)));
  }

  /** As above, with spark-ps's per-epoch breakdown ({@link E2eBreakdown}) for the epoch-time figures. */
  static E2eReport of(List<E2ePoint> points, List<Setup> setups, List<E2eBreakdown.Row> phases) {
    Map<String, List<E2ePoint>> bySize = new LinkedHashMap<>();
    Map<String, List<E2ePoint>> byGrowth = new LinkedHashMap<>();
    for (E2ePoint p : points) {
      (p.experiment().equals("growth") ? byGrowth : bySize).computeIfAbsent(p.size(), k -> new ArrayList<>()).add(p);
    }
    List<Curve> curves = new ArrayList<>();
    for (List<E2ePoint> ps : bySize.values()) {
      curves.add(curve(ps, curves));
    }
    List<Growth> growth = new ArrayList<>();
    for (List<E2ePoint> ps : byGrowth.values()) {
      growth.add(growth(ps, phases));
    }
    growth.sort(Comparator.comparingLong(Growth::d));
    List<Target> targets = new ArrayList<>(targets(curves));
    targets.addAll(TrainingSpeedTargets.of(curves, growth, phases));
    return new E2eReport(List.copyOf(curves), List.copyOf(growth), List.copyOf(targets), List.copyOf(setups));
  }

  private static Curve curve(List<E2ePoint> ps, List<Curve> earlier) {
    E2ePoint first = ps.get(0);
    List<E2ePoint> mllib = ps.stream().filter(p -> p.system().equals("mllib") && p.ok()).toList();
    double target;
    String source;
    if (!mllib.isEmpty()) {
      target = mllib.stream().mapToDouble(E2ePoint::logLoss).min().orElseThrow();
      source = "best held-out logloss of MLlib at this size";
    } else {
      Optional<Curve> medium = earlier.stream().filter(c -> c.size().equals("medium") && !Double.isNaN(c.target()))
          .findFirst();
      target = medium.map(Curve::target).orElse(Double.NaN);
      source = medium.isPresent() ? "MLlib failed here; best held-out logloss of MLlib at medium" : "MLlib failed";
    }
    double constant = value(ps, "constant", E2ePoint::logLoss);
    double bayes = value(ps, "bayes", E2ePoint::logLoss);
    double bayesAuc = value(ps, "bayes", E2ePoint::auc);
    Map<String, List<E2ePoint>> systems = new LinkedHashMap<>();
    systems.put("mllib/lbfgs", new ArrayList<>());
    for (E2ePoint p : ps) {
      if (!p.system().equals("constant") && !p.system().equals("bayes")) {
        systems.computeIfAbsent(p.system() + "/" + p.config(), k -> new ArrayList<>()).add(p);
      }
    }
    double mllibTime = time(mllib, target);
    List<Row> rows = new ArrayList<>();
    for (List<E2ePoint> s : systems.values()) {
      if (!s.isEmpty()) {
        rows.add(row(s, target, mllibTime));
      }
    }
    List<E2ePoint> ok = ps.stream().filter(E2ePoint::ok).toList();
    return new Curve(first.size(), first.n(), first.d(), target, source, constant, bayes, bayesAuc, List.copyOf(rows),
        ok);
  }

  private static Row row(List<E2ePoint> s, double target, double mllibTime) {
    E2ePoint any = s.get(0);
    List<E2ePoint> ok = s.stream().filter(E2ePoint::ok).sorted(Comparator.comparingDouble(E2ePoint::seconds)).toList();
    double t = time(ok, target);
    E2ePoint last = ok.isEmpty() ? null : ok.get(ok.size() - 1);
    String status = s.stream().filter(p -> !p.ok()).map(E2eReport::brief).findFirst().orElse("ok");
    double heap = ok.stream().mapToDouble(E2ePoint::peakHeapGb).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
    return new Row(any.system(), any.config(), t, t / mllibTime, last == null ? Double.NaN : last.logLoss(),
        last == null ? Double.NaN : last.auc(), last == null ? Double.NaN : last.seconds(), heap, status);
  }

  /**
   * A failed point's status and the part of its error line that says what went wrong: Spark's
   * "Job aborted ... most recent failure: Lost task ... (executor driver): X" becomes "X".
   */
  static String brief(E2ePoint p) {
    String e = p.error();
    int cause = e.indexOf("most recent failure");
    if (cause >= 0 && e.indexOf("): ", cause) > 0) {
      e = e.substring(e.indexOf("): ", cause) + 3);
    }
    return p.status() + (e.isEmpty() ? "" : ": " + e) + (p.seconds() > 0
        ? String.format(Locale.ROOT, " after %.0f s", p.seconds()) : "");
  }

  /** The earliest time at which one of {@code ok}'s models reached {@code target} (NaN if none did). */
  private static double time(List<E2ePoint> ok, double target) {
    return ok.stream().filter(p -> p.logLoss() <= target + 1e-9).mapToDouble(E2ePoint::seconds).min()
        .orElse(Double.NaN);
  }

  private static double value(List<E2ePoint> ps, String system, java.util.function.ToDoubleFunction<E2ePoint> f) {
    return ps.stream().filter(p -> p.system().equals(system)).mapToDouble(f).findFirst().orElse(Double.NaN);
  }

  private static Growth growth(List<E2ePoint> ps, List<E2eBreakdown.Row> phases) {
    E2ePoint first = ps.get(0);
    List<E2ePoint> sp = ps.stream().filter(p -> p.system().equals("spark-ps") && p.ok())
        .sorted(Comparator.comparingInt(E2ePoint::point)).toList();
    double psFirst = sp.isEmpty() ? Double.NaN : sp.get(0).seconds();
    double psEpochAndModel = sp.size() < 2 ? Double.NaN : sp.get(1).seconds() - sp.get(0).seconds();
    double psEpoch = phases.stream().filter(r -> r.size().equals(first.size()) && r.epoch() == 2)
        .mapToDouble(E2eBreakdown.Row::trainingSeconds).findFirst().orElse(psEpochAndModel);
    double psLoss = sp.isEmpty() ? Double.NaN : sp.get(sp.size() - 1).logLoss();
    List<E2ePoint> ml = ps.stream().filter(p -> p.system().equals("mllib") && p.ok())
        .sorted(Comparator.comparingInt(E2ePoint::iterations)).toList();
    double perIteration = Double.NaN;
    if (ml.size() >= 2 && ml.get(ml.size() - 1).iterations() > ml.get(0).iterations()) {
      E2ePoint a = ml.get(0);
      E2ePoint b = ml.get(ml.size() - 1);
      perIteration = (b.seconds() - a.seconds()) / (b.iterations() - a.iterations());
    }
    boolean averaged = false;
    if (!(perIteration > 0) && !ml.isEmpty() && ml.get(ml.size() - 1).iterations() > 0) {
      // One run only (the other failed), or noise beats the difference on tiny data: the longer
      // run's average, which includes its one-off statistics pass.
      E2ePoint b = ml.get(ml.size() - 1);
      perIteration = b.seconds() / b.iterations();
      averaged = true;
    }
    String status = ps.stream().filter(p -> p.system().equals("mllib") && !p.ok())
        .map(p -> "maxIter=" + p.point() + " " + brief(p)).findFirst().orElse("ok");
    return new Growth(first.n(), first.d(), psFirst, psEpoch, psEpochAndModel, psLoss, perIteration, averaged,
        status);
  }

  private static List<Target> targets(List<Curve> curves) {
    List<Target> out = new ArrayList<>();
    Optional<Curve> medium = curves.stream().filter(c -> c.size().equals("medium")).findFirst();
    Optional<Curve> large = curves.stream().filter(c -> c.size().equals("large")).findFirst();
    medium.ifPresent(c -> {
      Row best = bestPs(c);
      if (best != null) {
        out.add(new Target("medium: spark-ps reaches MLlib's best logloss in at most 1/10 of MLlib's time",
            String.format(Locale.ROOT, "%s: %.1f s vs MLlib %.1f s = %.3f of MLlib's time (all: %s)", best.config(),
                best.timeToTarget(), best.timeToTarget() / best.fractionOfMllib(), best.fractionOfMllib(),
                fractions(c)), best.fractionOfMllib() <= 0.1));
      }
      Row plain = c.rows().stream().filter(r -> r.system().equals("plain-java")).findFirst().orElse(null);
      if (plain != null) {
        List<Row> ps = c.rows().stream().filter(r -> r.system().equals("spark-ps")).toList();
        long within = ps.stream().filter(r -> r.finalLogLoss() <= plain.finalLogLoss() + 0.01).count();
        StringBuilder finals = new StringBuilder();
        ps.forEach(r -> finals.append(String.format(Locale.ROOT, "%s %.4f; ", r.config(), r.finalLogLoss())));
        out.add(new Target("medium: spark-ps ends within 0.01 of the single-threaded plain-Java pass's logloss",
            String.format(Locale.ROOT, "plain Java %.4f; %s%d of %d within", plain.finalLogLoss(), finals, within,
                ps.size()), !ps.isEmpty() && within == ps.size()));
      }
    });
    large.ifPresent(c -> {
      double mediumBest = medium.map(Curve::target).orElse(Double.NaN);
      Row best = c.rows().stream().filter(r -> r.system().equals("spark-ps"))
          .min(Comparator.comparingDouble(Row::finalLogLoss)).orElse(null);
      if (best != null) {
        out.add(new Target("large: spark-ps trains to at least MLlib-medium quality",
            String.format(Locale.ROOT, "best %s %.4f vs MLlib-medium %.4f", best.config(), best.finalLogLoss(),
                mediumBest), best.finalLogLoss() <= mediumBest));
      }
      Row mllib = c.rows().stream().filter(r -> r.system().equals("mllib")).findFirst().orElse(null);
      Row fastest = bestPs(c);
      if (mllib != null) {
        boolean failed = !mllib.status().equals("ok");
        double fraction = fastest == null ? Double.NaN : fastest.fractionOfMllib();
        out.add(new Target("large: MLlib fails, or is at least 5x slower",
            failed ? "MLlib " + mllib.status()
                : String.format(Locale.ROOT, "MLlib took %.1f s, spark-ps %.3f of that", mllib.timeToTarget(), fraction),
            failed || fraction <= 0.2));
      }
    });
    return List.copyOf(out);
  }

  /** The spark-ps configuration that reached the target first (null if none did). */
  private static Row bestPs(Curve c) {
    return c.rows().stream().filter(r -> r.system().equals("spark-ps") && !Double.isNaN(r.timeToTarget()))
        .min(Comparator.comparingDouble(Row::timeToTarget)).orElse(null);
  }

  private static String fractions(Curve c) {
    StringBuilder b = new StringBuilder();
    for (Row r : c.rows()) {
      if (r.system().equals("spark-ps")) {
        b.append(b.length() == 0 ? "" : ", ").append(r.config()).append(' ')
            .append(Double.isNaN(r.fractionOfMllib()) ? "never" : String.format(Locale.ROOT, "%.3f", r.fractionOfMllib()));
      }
    }
    return b.toString();
  }

  // ---- output ----

  public String markdown() {
    StringBuilder b = new StringBuilder();
    for (Curve c : curves) {
      b.append(String.format(Locale.ROOT, "### %s: N = %,d, D = %s%n%n", c.size(), c.n(), log2(c.d())));
      b.append(String.format(Locale.ROOT, "Target: held-out logloss %s (%s). Constant prediction %s; true model "
          + "(Bayes) %s / AUC %s.%n%n", f4(c.target()), c.targetSource(), f4(c.constant()), f4(c.bayes()),
          f4(c.bayesAuc())));
      for (Setup st : setups) {
        if (st.size().equals(c.size()) && st.status().equals("ok")) {
          b.append(String.format(Locale.ROOT, "- %s JVM, not in the times below: Spark%s started in %s s, data generated "
              + "and cached in %s s; peak RSS %s GB.%n", st.system(), st.system().equals("spark-ps")
              ? " and the parameter servers" : "", f1(st.session()), f1(st.datagen()), f1(st.peakRssGb())));
        }
      }
      b.append('\n');
      b.append("| system | config | time to target (s) | fraction of MLlib's time | final logloss | final AUC "
          + "| train time (s) | peak heap (GB) | status |\n|---|---|---|---|---|---|---|---|---|\n");
      for (Row r : c.rows()) {
        b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.system(), r.config(),
            f1(r.timeToTarget()), Double.isNaN(r.fractionOfMllib()) ? "-" : String.format(Locale.ROOT, "%.3f",
                r.fractionOfMllib()), f4(r.finalLogLoss()), f4(r.finalAuc()), f1(r.totalSeconds()), f1(r.peakHeapGb()),
            r.status()));
      }
      b.append('\n');
    }
    if (!growth.isEmpty()) {
      b.append(String.format(Locale.ROOT, "### Cost per pass against D (N = %,d)%n%n", growth.get(0).n()));
      b.append("| D | spark-ps first epoch (s) | spark-ps epoch (s) | spark-ps epoch + pulling the model (s) "
          + "| spark-ps logloss after 2 epochs | MLlib per L-BFGS iteration (s) | MLlib status |\n"
          + "|---|---|---|---|---|---|---|\n");
      for (Growth g : growth) {
        b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", log2(g.d()),
            f1(g.psFirstEpoch()), f1(g.psEpoch()), f1(g.psEpochAndModel()), f4(g.psLogLoss()),
            f1(g.mllibIteration()) + (g.mllibAveraged() ? " *" : ""), g.mllibStatus()));
      }
      if (growth.stream().anyMatch(Growth::mllibAveraged)) {
        b.append("\n\\* one MLlib run's average per iteration (the other run failed, or the longer run was not slower), its one-off statistics pass "
            + "included.\n");
      }
      b.append('\n');
    }
    if (!targets.isEmpty()) {
      b.append("### Targets\n\n| target | measured | met |\n|---|---|---|\n");
      for (Target t : targets) {
        b.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", t.name(), t.measured(), t.met() ? "yes" : "**no**"));
      }
      b.append('\n');
    }
    return b.toString();
  }

  static String log2(long d) {
    return Long.bitCount(d) == 1 ? "2^" + Long.numberOfTrailingZeros(d) : Long.toString(d);
  }

  private static String f1(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
  }

  private static String f4(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }
}
