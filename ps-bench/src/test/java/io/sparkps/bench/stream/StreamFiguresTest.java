package io.sparkps.bench.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.bench.e2e.Size;
import io.sparkps.ml.evaluation.Metrics;
import io.sparkps.ml.streaming.MicroBatchStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The derived figures (rates, nearest-rank percentiles, targets) and the files the report writes. */
class StreamFiguresTest {

  @TempDir Path out;

  @Test
  void nearestRankPercentileTakesTheSlowestOfFewerThanAHundred() {
    double[] v = {0.5, 0.1, 0.3, 0.2, 0.4};
    assertEquals(0.3, StreamFigures.percentile(v, 0.50));
    assertEquals(0.5, StreamFigures.percentile(v, 0.99));
    assertEquals(0.1, StreamFigures.percentile(v, 0.0));
    assertTrue(Double.isNaN(StreamFigures.percentile(new double[0], 0.5)));
    assertArrayEquals(new double[] {0.5, 0.1, 0.3, 0.2, 0.4}, v, "the caller's array is left unsorted");
  }

  @Test
  void ratesPercentilesAndTargetsComeFromTheMicroBatches() throws Exception {
    List<MicroBatchStats> batches = new ArrayList<>();
    for (int b = 0; b < 4; b++) {
      // 100,000 rows each, applied in 0.1 .. 0.4 s; micro-batch 3 took a full checkpoint.
      batches.add(new MicroBatchStats(b, 100_000, 0, 0.1 * (b + 1), b == 3 ? 0.5 : 0.1, b == 3, 0.6, 0, false));
    }
    StreamPass.Result pass = new StreamPass.Result(2.0, 3.0, batches,
        Map.of(0L, Map.of("triggerExecution", 300L, "addBatch", 200L)),
        List.of(new StageTimes.Stage(0, true, 60, 1, 1.0), new StageTimes.Stage(0, false, 140, 2, 0.5),
            new StageTimes.Stage(1, true, 40, 1, 1.0), new StageTimes.Stage(1, false, 160, 2, 1.0)));
    StreamFigures.Builder b = new StreamFigures.Builder(Size.SMALL, 100_000, 1, "agd+ftrl", 4, 2);
    b.files(4);
    b.pass(pass);
    b.streamHeldOut(new Metrics.Evaluation(10, 0.580, 0.76), 0.1);
    b.batch(new Metrics.Evaluation(10, 0.577, 0.76), 1.0);
    b.plain(400_000, 0.5, new Metrics.Evaluation(10, 0.576, 0.76));
    b.recovery(1.5, 3, List.of(new MicroBatchStats(3, 100_000, 0, 0.2, 0, false, 0.6, 0, true)),
        new Metrics.Evaluation(10, 0.581, 0.76));
    StreamFigures f = b.build();

    assertEquals(200_000, f.sustainedRowsPerSecond(), 1e-6);
    assertEquals(400_000 / 1.8, f.trainerRowsPerSecond(), 1e-6);
    assertEquals(800_000, f.plainRowsPerSecond(), 1e-6);
    assertEquals(0.2, f.appliedP50(), 1e-12);
    assertEquals(0.4, f.appliedP99(), 1e-12);
    assertEquals(0.1, f.commitMeanPlain(), 1e-12);
    assertArrayEquals(new double[] {0.5}, f.commitFull());
    assertEquals(100, f.sparkOutsideAddBatchMs(), 1e-12, "only the micro-batch Spark reported counts");
    assertEquals(0.5, f.stagesPerBatch(true), 1e-12);
    assertEquals(50, f.stageMillis(true), 1e-12);
    assertEquals(150, f.stageMillis(false), 1e-12);
    assertEquals(0.75, StageTimes.meanBusiestShare(pass.stages(), false), 1e-12);
    assertEquals(250 - 400 / 4.0, f.driverMillis(), 1e-9, "mean applied 250 ms less 100 ms of stages per micro-batch");
    assertFalse(f.rateMet(), "200,000 < 300,000 rows/s");
    assertTrue(f.loglossMet(), "0.003 above batch training");
    assertTrue(f.latencyMet());

    List<Path> files = StreamReport.write(f, out);
    assertEquals(3, files.size());
    String md = Files.readString(out.resolve(StreamReport.SUMMARY_MD));
    assertTrue(md.contains("| sustained >= 300,000 rows/s | 200,000 rows/s (0.667 of the target; 0.250 of the "
        + "plain pass) | **no** |"), md);
    assertTrue(md.contains("1.50 s, 1 micro-batches replayed (3..3), at micro-batch 3"), md);
    List<String> csv = Files.readAllLines(out.resolve(StreamReport.BATCHES_CSV));
    assertEquals(1 + 4 + 1, csv.size(), csv.toString());
    assertTrue(csv.get(1).startsWith("stream,0,100000,0.100000,0.100000,false,0.600000,false,300,200,"), csv.get(1));
    assertTrue(csv.get(1).endsWith(",60,140") && csv.get(2).endsWith(",40,160") && csv.get(3).endsWith(",0,0"),
        "each micro-batch's own stages: " + csv);
    assertTrue(csv.get(5).startsWith("recovery,3,100000,0.200000,0.00000,false,0.600000,true,"), csv.get(5));
    assertTrue(Files.readAllLines(out.resolve(StreamReport.SUMMARY_CSV)).contains("target_rows_per_s_met,false"));
  }
}
