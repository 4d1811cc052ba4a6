package io.sparkps.bench.scaling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.examples.data.SyntheticData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scaling run's pure parts: options, the batch plan and its gradient, result lines, the CSV, the fit. */
class ScalingPartsTest {

  @TempDir
  Path dir;

  @Test
  void optionsParseAndHandTheEpochToWorkers() {
    ScalingOptions o = ScalingOptions.parse("--servers=1,4", "--rows=1000", "--batch=100", "--modes=bsp,ssp3");
    assertEquals(List.of(1, 4), o.servers());
    assertEquals(List.of(2, 4), o.workers());
    List<String> args = o.epochArgs();
    args.addAll(new ScalingOptions.WorkerArgs("127.0.0.1", 7077, 1, 4).toArgs());
    String[] a = args.toArray(new String[0]);
    ScalingOptions back = ScalingOptions.parse(a);
    assertEquals(o.modes(), back.modes());
    assertEquals(o.rows(), back.rows());
    assertEquals(o.logs(), back.logs());
    assertEquals(new ScalingOptions.WorkerArgs("127.0.0.1", 7077, 1, 4), ScalingOptions.WorkerArgs.parse(a));
    assertEquals(3, ScalingOptions.consistency("ssp3").staleness());
  }

  @Test
  void badOptionsNameWhatAndWhatIsAllowed() {
    IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
        () -> ScalingOptions.parse("--modes=bsp,sometimes"));
    assertTrue(mode.getMessage().contains("mode=sometimes"), mode.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> ScalingOptions.parse("--colour=blue"));
    assertTrue(unknown.getMessage().contains("colour"), unknown.getMessage());
    IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
        () -> ScalingOptions.parse("--rows=100", "--batch=100"));
    assertTrue(rows.getMessage().contains("rows=100"), rows.getMessage());
  }

  @Test
  void batchPlanHoldsEachBatchsDistinctKeysAndTheBiasAndItsGradientIsLogistic() {
    SyntheticData data = SyntheticData.of(1000, 1 << 12);
    BatchPlan plan = BatchPlan.generate(data, 100, 3, 50);
    assertEquals(3, plan.batches());
    for (int b = 0; b < 3; b++) {
      long[] keys = plan.keys[b];
      assertEquals(data.d(), keys[keys.length - 1], "bias key last");
      for (int i = 1; i < keys.length; i++) {
        assertTrue(keys[i - 1] < keys[i], "sorted and distinct");
      }
      float[] weights = new float[keys.length];
      for (int i = 0; i < keys.length; i++) {
        weights[i] = (float) Math.sin(keys[i]);
      }
      float[] grad = new float[keys.length];
      plan.gradient(b, weights, grad);
      assertArrayEquals(directGradient(data, 100 + b * 50, 50, keys, weights), grad, 1e-6f);
    }
  }

  /** The same gradient, computed from the generator's rows by key lookups. */
  private static float[] directGradient(SyntheticData data, long first, int rows, long[] keys, float[] weights) {
    Map<Long, Integer> index = new HashMap<>();
    for (int i = 0; i < keys.length; i++) {
      index.put(keys[i], i);
    }
    float[] grad = new float[keys.length];
    int bias = index.get(data.d());
    for (int r = 0; r < rows; r++) {
      SyntheticData.Row row = data.row(first + r);
      double margin = weights[bias];
      for (long f : row.features()) {
        margin += weights[index.get(f)];
      }
      float g = (float) ((1 / (1 + Math.exp(-margin)) - row.label()) / rows);
      for (long f : row.features()) {
        grad[index.get(f)] += g;
      }
      grad[bias] += g;
    }
    return grad;
  }

  @Test
  void workerResultLinesRoundTrip() {
    WorkerResult r = new WorkerResult("ssp2", 3, 40, 123456, 320, 11, 12, 13, 14, 15, new long[] {7, 8, 9});
    WorkerResult back = WorkerResult.parse(r.toLine());
    assertEquals(r.toLine(), back.toLine());
    assertArrayEquals(r.serverKeys(), back.serverKeys());
    assertThrows(IllegalArgumentException.class, () -> WorkerResult.parse("mode=bsp"));
  }

  @Test
  void theFitRecoversKnownCostsAndTheCsvRoundTrips() throws Exception {
    // CPU made from known constants: servers 200 ns a key + 20 µs a frame, workers 300 ns + 5 µs, 50 µs a clock.
    List<ScalingPoint> points = new ArrayList<>();
    for (int s : new int[] {1, 2, 4}) {
      for (int w : new int[] {2, 4}) {
        int batches = 400;
        double n = 10_000;
        double frames = 2.0 * s;
        double keys = 2 * n * batches;
        double f = 2 * frames * batches;
        points.add(new ScalingPoint(s, w, "bsp", 1024, 1 << 20, batches, 3.0, n, frames, 1, 1, 1, 1,
            200e-9 * keys + 20e-6 * f, 300e-9 * keys + 5e-6 * f, 50e-6 * batches, 1000, new long[s], new double[s], 2));
      }
    }
    ScalingModel m = ScalingModel.fit(points);
    assertEquals(200e-9, m.srvKey(), 1e-12);
    assertEquals(20e-6, m.srvFrame(), 1e-9);
    assertEquals(300e-9, m.wrkKey(), 1e-12);
    assertEquals(5e-6, m.wrkFrame(), 1e-9);
    assertEquals(50e-6, m.clock(), 1e-12);
    assertTrue(m.report(points).contains("| 4 | 4 | 2 | bsp |"), m.report(points));

    ScalingPoint.write(dir.resolve("scaling.csv"), points);
    List<ScalingPoint> back = ScalingPoint.read(dir.resolve("scaling.csv"));
    assertEquals(points.size(), back.size());
    assertEquals(points.get(5).toCsv(), back.get(5).toCsv());
    assertTrue(Arrays.equals(points.get(5).serverKeys(), back.get(5).serverKeys()));
  }
}
