package io.sparkps.bench.e2e;

import io.sparkps.bench.e2e.E2eReport.Curve;
import io.sparkps.bench.e2e.E2eReport.Growth;
import io.sparkps.bench.e2e.E2eReport.Row;
import io.sparkps.bench.e2e.E2eReport.Target;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The training-speed targets (issue 16), judged from the same points as the rest of the report
 * and the per-epoch breakdown: a steady-state epoch at medium within 2x the single-threaded plain
 * pass, an epoch at N = 200k
 * within 0.5 s for every D of the growth experiment, and MLlib's best held-out logloss reached in
 * 1/60 of MLlib's time by the fastest method and 1/20 by every method. Stateless.
 */
final class TrainingSpeedTargets {

  static final double EPOCH_OVER_PLAIN_PASS = 2.0;
  static final double GROWTH_EPOCH_SECONDS = 0.5;
  static final double FASTEST_FRACTION = 1.0 / 60;
  static final double EVERY_FRACTION = 1.0 / 20;

  private TrainingSpeedTargets() {}

  static List<Target> of(List<Curve> curves, List<Growth> growth) {
    return of(curves, growth, List.of());
  }

  /** As above; {@code phases} (the per-epoch breakdown) gives the epochs' own times when present. */
  static List<Target> of(List<Curve> curves, List<Growth> growth, List<E2eBreakdown.Row> phases) {
    List<Target> out = new ArrayList<>();
    Optional<Curve> medium = curves.stream().filter(c -> c.size().equals("medium")).findFirst();
    medium.ifPresent(c -> steadyEpoch(c, phases, out));
    medium.ifPresent(c -> fractions(c, out));
    List<Growth> measured = growth.stream().filter(g -> !Double.isNaN(g.psEpoch())).toList();
    if (!measured.isEmpty()) {
      StringBuilder b = new StringBuilder();
      measured.forEach(g -> b.append(b.length() == 0 ? "" : ", ").append(E2eReport.log2(g.d())).append(' ')
          .append(String.format(Locale.ROOT, "%.2f s", g.psEpoch())));
      if (measured.stream().anyMatch(g -> g.psEpoch() != g.psEpochAndModel())) {
        b.append(" (with pulling the model to the driver after it: ");
        measured.forEach(g -> b.append(String.format(Locale.ROOT, "%s%.2f s", g == measured.get(0) ? "" : ", ",
            g.psEpochAndModel())));
        b.append(')');
      }
      boolean met = measured.stream().allMatch(g -> g.psEpoch() <= GROWTH_EPOCH_SECONDS);
      out.add(new Target(String.format(Locale.ROOT, "N = %,d: a spark-ps epoch (agd+ftrl) <= %.1f s at every D",
          measured.get(0).n(), GROWTH_EPOCH_SECONDS), b.toString(), met));
    }
    return List.copyOf(out);
  }

  /**
   * Each spark-ps config's steady-state epoch against the plain pass: the mean of its epochs after
   * the first (which prepares the batches) from the breakdown, each the epoch's own time; without
   * a breakdown, the last epoch's point minus the one before, which also counts pulling the model
   * to the driver after the last epoch (shown beside the first when both are known).
   */
  private static void steadyEpoch(Curve c, List<E2eBreakdown.Row> phases, List<Target> out) {
    Row plain = c.rows().stream().filter(r -> r.system().equals("plain-java")).findFirst().orElse(null);
    Map<String, Double> lastPoints = steadyEpochs(c);
    Map<String, Double> epochs = new TreeMap<>(lastPoints);
    epochs.putAll(meanLaterEpochs(c.size(), phases));
    if (plain == null || epochs.isEmpty() || !(plain.totalSeconds() > 0)) {
      return;
    }
    List<String> parts = new ArrayList<>(List.of(String.format(Locale.ROOT, "plain pass %.2f s", plain.totalSeconds())));
    epochs.forEach((config, s) -> {
      Double last = lastPoints.get(config);
      parts.add(String.format(Locale.ROOT, "%s %.2f s (%.1fx)", config, s, s / plain.totalSeconds())
          + (last == null || last.equals(s) ? ""
              : String.format(Locale.ROOT, " [last epoch + pulling the model %.2f s]", last)));
    });
    double fastest = epochs.values().stream().min(Comparator.naturalOrder()).orElseThrow();
    out.add(new Target(String.format(Locale.ROOT,
        "medium: the fastest method's steady-state epoch <= %.0fx the single-threaded plain pass", EPOCH_OVER_PLAIN_PASS),
        String.join("; ", parts), fastest <= EPOCH_OVER_PLAIN_PASS * plain.totalSeconds()));
  }

  /** Per config at {@code size}: the mean training time of its epochs after the first, from the breakdown. */
  static Map<String, Double> meanLaterEpochs(String size, List<E2eBreakdown.Row> phases) {
    Map<String, double[]> sums = new TreeMap<>();
    for (E2eBreakdown.Row r : phases) {
      if (r.size().equals(size) && r.epoch() >= 2) {
        double[] s = sums.computeIfAbsent(r.config(), k -> new double[2]);
        s[0] += r.trainingSeconds();
        s[1]++;
      }
    }
    Map<String, Double> out = new TreeMap<>();
    sums.forEach((config, s) -> out.put(config, s[0] / s[1]));
    return out;
  }

  /** Per spark-ps config at this size: its last epoch's seconds, when it ran at least two. */
  static Map<String, Double> steadyEpochs(Curve c) {
    Map<String, List<E2ePoint>> byConfig = new TreeMap<>();
    for (E2ePoint p : c.points()) {
      if (p.system().equals("spark-ps") && p.experiment().equals("curve")) {
        byConfig.computeIfAbsent(p.config(), k -> new ArrayList<>()).add(p);
      }
    }
    Map<String, Double> out = new TreeMap<>();
    byConfig.forEach((config, ps) -> {
      List<E2ePoint> sorted = ps.stream().sorted(Comparator.comparingInt(E2ePoint::point)).toList();
      if (sorted.size() >= 2) {
        out.put(config, sorted.get(sorted.size() - 1).seconds() - sorted.get(sorted.size() - 2).seconds());
      }
    });
    return out;
  }

  private static void fractions(Curve c, List<Target> out) {
    List<Row> ps = c.rows().stream().filter(r -> r.system().equals("spark-ps")).toList();
    if (ps.isEmpty() || c.rows().stream().noneMatch(r -> r.system().equals("mllib") && !Double.isNaN(r.timeToTarget()))) {
      return;
    }
    StringBuilder b = new StringBuilder();
    ps.forEach(r -> b.append(b.length() == 0 ? "" : ", ").append(r.config()).append(' ')
        .append(Double.isNaN(r.fractionOfMllib()) ? "never" : String.format(Locale.ROOT, "%.3f", r.fractionOfMllib())));
    double fastest = ps.stream().mapToDouble(Row::fractionOfMllib).filter(f -> !Double.isNaN(f)).min().orElse(Double.NaN);
    out.add(new Target("medium: the fastest method reaches MLlib's best held-out logloss in <= 1/60 of MLlib's time",
        b.toString(), fastest <= FASTEST_FRACTION));
    boolean every = ps.stream().allMatch(r -> r.fractionOfMllib() <= EVERY_FRACTION);
    out.add(new Target("medium: every method reaches it in <= 1/20 of MLlib's time", b.toString(), every));
  }
}
