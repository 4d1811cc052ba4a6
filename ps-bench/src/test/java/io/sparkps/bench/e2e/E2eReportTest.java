package io.sparkps.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The arithmetic behind the end-to-end tables: time to MLlib's best, fractions, growth, targets. */
class E2eReportTest {

  @TempDir Path dir;

  private static E2ePoint ok(String size, long d, String system, String config, int point, int its, double s,
      double loss) {
    return new E2ePoint("curve", size, 1_000_000, d, system, config, point, its, s, loss, 0.75, 1.0, "ok", "");
  }

  private static E2ePoint growth(long d, String system, int point, int its, double s) {
    return new E2ePoint("growth", "growth-" + d, 200_000, d, system, system.equals("mllib") ? "lbfgs" : "agd+ftrl",
        point, its, s, 0.6, 0.7, 1.0, "ok", "");
  }

  private static List<E2ePoint> sample() {
    return List.of(
        ok("medium", 1L << 24, "plain-java", "adagrad-1-pass", 1, 1, 0.8, 0.5760),
        ok("medium", 1L << 24, "mllib", "lbfgs", 10, 10, 80, 0.5950),
        ok("medium", 1L << 24, "mllib", "lbfgs", 30, 30, 200, 0.5840),
        ok("medium", 1L << 24, "spark-ps", "agd+ftrl", 1, 1, 6, 0.5820),
        ok("medium", 1L << 24, "spark-ps", "agd+ftrl", 2, 2, 11, 0.5757),
        ok("medium", 1L << 24, "spark-ps", "dgd+adam", 1, 1, 12, 0.5900),
        ok("medium", 1L << 24, "spark-ps", "dgd+adam", 2, 2, 22, 0.5835),
        ok("medium", 1L << 24, "spark-ps", "dgd+adam", 3, 3, 33, 0.5870),
        ok("large", 1L << 27, "spark-ps", "agd+ftrl", 1, 1, 7, 0.5850),
        ok("large", 1L << 27, "spark-ps", "agd+ftrl", 2, 2, 13, 0.5811),
        E2ePoint.failed("curve", Size.LARGE, "mllib", "lbfgs", 30, 95, "failed",
            "org.apache.spark.SparkException: Job aborted; java.lang.OutOfMemoryError: Java heap space"),
        growth(1L << 20, "spark-ps", 1, 1, 3.0), growth(1L << 20, "spark-ps", 2, 2, 4.5),
        growth(1L << 20, "mllib", 2, 2, 4.0), growth(1L << 20, "mllib", 6, 6, 6.0),
        growth(1L << 22, "spark-ps", 1, 1, 3.2), growth(1L << 22, "spark-ps", 2, 2, 4.8),
        growth(1L << 22, "mllib", 2, 2, 5.0), growth(1L << 22, "mllib", 6, 6, 9.0));
  }

  @Test
  void timeToTargetIsTheFirstPointReachingMllibsBest() {
    E2eReport r = E2eReport.of(sample(), List.of());
    E2eReport.Curve medium = r.curves().get(0);
    assertEquals(0.5840, medium.target(), 1e-12);
    E2eReport.Row mllib = medium.rows().get(0);
    assertEquals("mllib", mllib.system());
    assertEquals(200, mllib.timeToTarget(), 1e-12);
    E2eReport.Row agd = row(medium, "agd+ftrl");
    assertEquals(6, agd.timeToTarget(), 1e-12, "epoch 1 already beats 0.5840");
    assertEquals(0.03, agd.fractionOfMllib(), 1e-12);
    assertEquals(0.5757, agd.finalLogLoss(), 1e-12);
    assertEquals(22, row(medium, "dgd+adam").timeToTarget(), 1e-12);
    assertEquals(0.8, row(medium, "adagrad-1-pass").timeToTarget(), 1e-12);
  }

  @Test
  void whereMllibFailsTheTargetIsMllibsBestAtMediumAndTheFailureIsKept() {
    E2eReport.Curve large = E2eReport.of(sample(), List.of()).curves().get(1);
    assertEquals(0.5840, large.target(), 1e-12);
    assertTrue(large.targetSource().contains("medium"), large.targetSource());
    assertTrue(large.rows().get(0).status().contains("OutOfMemoryError"), large.rows().get(0).status());
    assertEquals(13, row(large, "agd+ftrl").timeToTarget(), 1e-12, "epoch 1 (0.5850) misses 0.5840");
  }

  @Test
  void growthTakesTheSecondEpochAndTheDifferenceOfTwoMllibRuns() {
    List<E2eReport.Growth> g = E2eReport.of(sample(), List.of()).growth();
    assertEquals(2, g.size());
    assertEquals(1.5, g.get(0).psEpoch(), 1e-12);
    assertEquals(0.5, g.get(0).mllibIteration(), 1e-12);
    assertEquals(1.0, g.get(1).mllibIteration(), 1e-12);
  }

  @Test
  void targetsAreJudgedFromTheMeasuredFigures() {
    List<E2eReport.Target> t = E2eReport.of(sample(), List.of()).targets();
    assertEquals(8, t.size(), t.toString());
    assertTrue(t.get(0).met(), t.get(0).toString());   // 0.03 of MLlib's time
    assertFalse(t.get(1).met(), t.get(1).toString());  // dgd+adam ends at 0.5870 > 0.5760 + 0.01
    assertTrue(t.get(2).met(), t.get(2).toString());   // 0.5811 <= 0.5840
    assertTrue(t.get(3).met(), t.get(3).toString());   // MLlib failed
    // Training speed: steady epochs agd 11 - 6 = 5 s, dgd 33 - 22 = 11 s against a 0.8 s plain pass.
    assertFalse(t.get(4).met(), t.get(4).toString());
    assertTrue(t.get(4).measured().contains("agd+ftrl 5.00 s (6.3x)"), t.get(4).measured());
    assertFalse(t.get(5).met(), t.get(5).toString());  // fastest 0.03 > 1/60
    assertFalse(t.get(6).met(), t.get(6).toString());  // dgd+adam 22 / 200 = 0.11 > 1/20
    assertFalse(t.get(7).met(), t.get(7).toString());  // growth epochs 1.5 and 1.6 s > 0.5 s
    assertTrue(t.get(7).measured().contains("2^20 1.50 s, 2^22 1.60 s"), t.get(7).measured());
    String md = E2eReport.of(sample(), List.of()).markdown();
    assertTrue(md.contains("| spark-ps | agd+ftrl | 6.00 | 0.030 | 0.5757 |"), md);
    assertTrue(md.contains("**no**"), md);
  }

  @Test
  void trainingSpeedTargetsAreMetWhenTheFiguresAre() {
    List<E2ePoint> fast = List.of(
        ok("medium", 1L << 24, "plain-java", "adagrad-1-pass", 1, 1, 0.8, 0.5760),
        ok("medium", 1L << 24, "mllib", "lbfgs", 30, 30, 600, 0.5840),
        ok("medium", 1L << 24, "spark-ps", "agd+ftrl", 1, 1, 2.0, 0.5830),
        ok("medium", 1L << 24, "spark-ps", "agd+ftrl", 2, 2, 3.5, 0.5757),
        ok("medium", 1L << 24, "spark-ps", "dgd+adam", 1, 1, 20, 0.5839),
        ok("medium", 1L << 24, "spark-ps", "dgd+adam", 2, 2, 40, 0.5800),
        growth(1L << 20, "spark-ps", 1, 1, 1.0), growth(1L << 20, "spark-ps", 2, 2, 1.4));
    List<E2eReport.Target> t = E2eReport.of(fast, List.of()).targets().stream()
        .filter(x -> x.name().contains("steady-state") || x.name().contains("1/60") || x.name().contains("1/20")
            || x.name().contains("at every D")).toList();
    assertEquals(4, t.size(), t.toString());
    assertTrue(t.get(0).met(), t.get(0).toString());   // agd's last epoch 1.5 s <= 2 x 0.8 s
    assertTrue(t.get(1).met(), t.get(1).toString());   // agd 2.0 / 600 <= 1/60
    assertTrue(t.get(2).met(), t.get(2).toString());   // dgd 20 / 600 <= 1/20
    assertTrue(t.get(3).met(), t.get(3).toString());   // 0.4 s <= 0.5 s
  }

  /** Phases: prepare, compute, pull, push, clock, scheduling, scoring (the scoring is not the epoch's). */
  private static E2eBreakdown.Row phases(String size, String config, int epoch, double pull, double scoring) {
    return new E2eBreakdown.Row(size, config, epoch, new double[] {0, 0.1, pull, 0, 0, 0.1, scoring});
  }

  @Test
  void withABreakdownEpochsAreTheirOwnTimeWithoutPullingTheModel() {
    List<E2eBreakdown.Row> rows = List.of(
        phases("medium", "agd+ftrl", 1, 3.0, 0.2), phases("medium", "agd+ftrl", 2, 1.0, 0.2),
        phases("medium", "dgd+adam", 1, 5.0, 0.2), phases("medium", "dgd+adam", 2, 2.0, 0.2),
        phases("medium", "dgd+adam", 3, 3.0, 0.2),
        phases("growth-" + (1L << 20), "agd+ftrl", 2, 0.2, 0.3), phases("growth-" + (1L << 22), "agd+ftrl", 2, 0.25, 0.3));
    E2eReport r = E2eReport.of(sample(), List.of(), rows);
    List<E2eReport.Growth> g = r.growth();
    assertEquals(0.4, g.get(0).psEpoch(), 1e-9, "0.1 + 0.2 + 0.1, no scoring");
    assertEquals(1.5, g.get(0).psEpochAndModel(), 1e-12, "the points' difference stays beside it");
    assertEquals(0.45, g.get(1).psEpoch(), 1e-9);
    List<E2eReport.Target> t = r.targets();
    // Steady epochs: agd epoch 2 = 1.2 s; dgd epochs 2 and 3 = (2.2 + 3.2) / 2 = 2.7 s; plain pass 0.8 s.
    assertTrue(t.get(4).met(), t.get(4).toString());
    assertTrue(t.get(4).measured().contains("agd+ftrl 1.20 s (1.5x) [last epoch + pulling the model 5.00 s]"),
        t.get(4).measured());
    assertTrue(t.get(4).measured().contains("dgd+adam 2.70 s (3.4x)"), t.get(4).measured());
    assertTrue(t.get(7).met(), t.get(7).toString());  // 0.4 and 0.45 s <= 0.5 s
    assertTrue(t.get(7).measured().contains("(with pulling the model to the driver after it: 1.50 s, 1.60 s)"),
        t.get(7).measured());
    assertTrue(r.markdown().contains("| 2^20 | 3.00 | 0.40 | 1.50 |"), r.markdown());
  }

  @Test
  void pointsSurviveTheCsvAndPlotsAreWritten() throws Exception {
    Path csv = dir.resolve("e2e-points.csv");
    E2ePoint.append(csv, sample().subList(0, 5));
    E2ePoint.append(csv, sample().subList(5, sample().size()));
    List<E2ePoint> back = E2ePoint.read(csv);
    assertEquals(sample().size(), back.size());
    assertEquals(sample().get(3), back.get(3));
    E2ePoint failed = back.stream().filter(p -> !p.ok()).findFirst().orElseThrow();
    assertEquals("failed", failed.status());
    assertTrue(failed.error().contains("OutOfMemoryError") && !failed.error().contains(","), failed.error());
    List<Path> pngs = E2ePlots.write(E2eReport.of(back, List.of()), dir);
    assertEquals(3, pngs.size());
    for (Path p : pngs) {
      assertTrue(Files.size(p) > 10_000, p + " is a real image");
    }
  }

  private static E2eReport.Row row(E2eReport.Curve c, String config) {
    return c.rows().stream().filter(r -> r.config().equals(config)).findFirst().orElseThrow();
  }
}
