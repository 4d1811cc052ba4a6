package io.sparkps.bench.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code scripts/bench stream} from rotting: at the tiny size the whole benchmark runs in
 * this JVM (the stream, both baselines, the restart) and its files come out with every
 * micro-batch, the replayed ones included. Asserts what the run produced, never how fast.
 */
class StreamBenchSmokeTest {

  @TempDir Path dir;

  @Test
  void theBenchmarkStreamsTrainsTheBaselinesAndRecoversAfterARestart() throws Exception {
    Path out = dir.resolve("out");
    Path work = dir.resolve("work");
    // 18,000 training rows in 2 partitions -> 6 files of 3,000; full checkpoints after micro-batch 3 only.
    StreamBench.main(new String[] {"--size=tiny", "--rows-per-file=3000", "--full-every=4", "--master=local[2]",
        "--warmup=false", "--out=" + out, "--dir=" + work});
    List<String> summary = Files.readAllLines(out.resolve(StreamReport.SUMMARY_CSV));
    assertTrue(summary.contains("micro_batches,6"), summary.toString());
    assertTrue(summary.contains("rows,18000"), summary.toString());
    assertTrue(summary.contains("replayed_micro_batches,2"), "micro-batches 4 and 5 after the checkpoint: " + summary);
    List<String> batches = Files.readAllLines(out.resolve(StreamReport.BATCHES_CSV));
    assertEquals(1 + 6 + 2, batches.size(), batches.toString());
    assertTrue(batches.get(4).startsWith("stream,3,3000,") && batches.get(4).contains(",true,"), batches.get(4));
    assertTrue(batches.get(7).startsWith("recovery,4,3000,") && batches.get(8).startsWith("recovery,5,3000,"),
        batches.toString());
    double auc = Double.parseDouble(value(summary, "stream_auc"));
    double recovered = Double.parseDouble(value(summary, "recovered_logloss"));
    assertTrue(auc > 0.6, "the stream's model learned to rank: " + auc);
    assertTrue(recovered < 0.6931, "the recovered model beats the constant model: " + recovered);
    assertTrue(Files.readString(out.resolve(StreamReport.SUMMARY_MD)).contains("| target | measured | met |"));
    assertTrue(!Files.exists(work), "the work directory is removed");
  }

  private static String value(List<String> csv, String metric) {
    return csv.stream().filter(l -> l.startsWith(metric + ",")).findFirst().orElseThrow().split(",", 2)[1];
  }
}
