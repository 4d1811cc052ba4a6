package io.sparkps.ml.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.spark.PsContext;
import io.sparkps.spark.testing.ExecutorFault;
import io.sparkps.spark.testing.StandaloneCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor hosting a parameter server is killed ({@code kill -9}) in the middle of a
 * micro-batch on a real standalone cluster (3 workers, so a spare slot): the lost shards roll back
 * to the last full checkpoint, and the trainer rebuilds the model from that checkpoint and the
 * micro-batches logged after it. A counting model shows every row applied exactly once.
 */
class StreamingExecutorLossTest {

  private static final int FILES = 6;
  private static final int ROWS_PER_FILE = 1_000;
  /** Killed during micro-batch 3: after the full checkpoint of micro-batch 1 and the commit of 2. */
  private static final int FAULT_BATCH = 3;

  @TempDir
  Path tmp;

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void everyRowIsCountedOnceAfterAnExecutorIsKilledMidMicroBatch() throws Exception {
    try (StandaloneCluster cluster = StandaloneCluster.builder().workers(3).name("stream-loss").start()) {
      SparkSession spark = SparkSession.builder().config(cluster.driverConf("spark-ps-stream-loss")
          .set("spark.plugins", "io.sparkps.spark.PsPlugin")
          .set("spark.ps.heartbeat.timeout", "10s")
          .set("spark.sql.shuffle.partitions", "2")).getOrCreate();
      try {
        PsContext ps = PsContext.getOrCreate(spark);
        Path in = tmp.resolve("in");
        StreamRows.writeFiles(spark, in, 0, FILES, ROWS_PER_FILE);
        Files.createDirectories(tmp.resolve("fault"));
        CountingEstimator counting = new CountingEstimator(FILES * ROWS_PER_FILE, new ExecutorFault(
            ExecutorFault.Kind.KILL, spark.sparkContext().applicationId(), 3, tmp.resolve("fault")), FAULT_BATCH);
        PsStreamingTrainer<float[]> trainer = PsStreamingTrainer.builder(counting).modelName("lossy")
            .checkpointLocation(tmp.resolve("ckpt").toString()).fullCheckpointEvery(2).build(spark);
        StreamingQuery query = trainer.start(spark.readStream().schema(StreamRows.SCHEMA)
            .option("maxFilesPerTrigger", 1).parquet(in.toString()));
        query.processAllAvailable();
        query.stop();

        assertTrue(Files.exists(tmp.resolve("fault/victim")), "an executor was killed");
        assertTrue(ps.shardRecoveries() > 0, "its server's shards were recovered");
        assertEquals(FILES - 1, trainer.committedBatch());
        float[] counts = trainer.snapshot();
        for (int i = 0; i < counts.length; i++) {
          assertEquals(1f, counts[i], "count of row id " + i);
        }
        assertEquals(FILES * ROWS_PER_FILE, trainer.rowsTrained());
        // The rebuild trained micro-batches 2 and 3 again from their logged rows.
        List<Long> replayed = trainer.progress().stream().filter(MicroBatchStats::replayed)
            .map(MicroBatchStats::batchId).toList();
        assertEquals(List.of(2L, 3L), replayed, trainer.progress().toString());
        assertFalse(trainer.progress().stream().anyMatch(s -> s.rows() != ROWS_PER_FILE), trainer.progress()
            .toString());
        System.out.printf(Locale.ROOT, "streaming executor loss: rebuilt after the kill; %s%n",
            trainer.progress().stream().filter(MicroBatchStats::replayed).toList());
      } finally {
        spark.stop();
      }
    }
  }
}
