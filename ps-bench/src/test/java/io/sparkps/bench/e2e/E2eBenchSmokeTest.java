package io.sparkps.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code scripts/bench e2e} from rotting: the driver runs real child JVMs with an embedded
 * Spark at a tiny size, both systems train, and the tables and plots come out. Asserts what the
 * run produced, never how fast.
 */
class E2eBenchSmokeTest {

  @TempDir Path out;

  @Test
  void theDriverTrainsBothSystemsInChildJvmsAndWritesTablesAndPlots() throws Exception {
    E2eBench.main(new String[] {"--mode=tiny", "--out=" + out, "--heap=1g", "--master=local[2]",
        "--only=tiny-spark-ps,tiny-mllib"});
    List<E2ePoint> points = E2ePoint.read(out.resolve(E2eRun.POINTS));
    double constant = points.stream().filter(p -> p.system().equals("constant")).findFirst().orElseThrow().logLoss();
    for (String config : List.of("agd+ftrl", "ipm+adagrad")) {
      List<E2ePoint> ps = points.stream().filter(p -> p.config().equals(config)).toList();
      assertEquals(2, ps.size(), "two epochs of " + config + ": " + points);
      E2ePoint last = ps.get(1);
      // Hogwild (agd) on a few thousand rows ranks well before it is calibrated: judge it by AUC.
      assertTrue(last.ok() && last.auc() > 0.6, config + " learned to rank: " + last);
      if (config.equals("ipm+adagrad")) {
        assertTrue(last.logLoss() < constant, config + " beats the constant model: " + last);
      }
      assertTrue(last.seconds() > ps.get(0).seconds(), "epoch times grow: " + ps);
    }
    List<E2ePoint> mllib = points.stream().filter(p -> p.system().equals("mllib")).toList();
    assertEquals(2, mllib.size(), points.toString());
    assertTrue(mllib.stream().allMatch(p -> p.ok() && p.iterations() > 0 && p.peakHeapGb() > 0), mllib.toString());
    String summary = Files.readString(out.resolve("e2e-summary.md"));
    assertTrue(summary.contains("### tiny") && summary.contains("| mllib | lbfgs |"), summary);
    assertTrue(Files.size(out.resolve("e2e-tiny.png")) > 10_000);
    assertTrue(Files.readString(out.resolve(E2eRun.STEPS)).lines().filter(l -> l.endsWith(",ok,")).count() == 2,
        Files.readString(out.resolve(E2eRun.STEPS)));
  }

  @Test
  void aStepPastItsTimeoutIsKilledAndRecordedAsFailedPoints() throws Exception {
    E2ePlan.Step step = new E2ePlan.Step("slow", "curve", Size.TINY, "spark-ps",
        List.of("--configs=agd+ftrl,dgd+adam"), Duration.ofMillis(200));
    E2eBench.runStep(step, out, "256m", "local[1]", "");
    List<E2ePoint> points = E2ePoint.read(out.resolve(E2eRun.POINTS));
    assertEquals(2, points.size(), points.toString());
    for (E2ePoint p : points) {
      assertEquals("timeout", p.status());
      assertTrue(p.error().contains("did not finish"), p.error());
    }
    assertTrue(Files.readString(out.resolve(E2eRun.STEPS)).contains("slow,tiny,spark-ps,NaN,NaN,NaN,timeout"));
  }
}
