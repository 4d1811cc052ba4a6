package io.sparkps.bench.stream;

import io.sparkps.core.config.Ticker;
import io.sparkps.ml.classification.PsLogisticRegressionModel;
import io.sparkps.ml.streaming.MicroBatchStats;
import io.sparkps.ml.streaming.PsStreamingTrainer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;

/**
 * One pass of a {@link PsStreamingTrainer} over the parquet files of a directory, read as a file
 * stream a fixed number of files per micro-batch and run with {@code Trigger.AvailableNow()} until every file is
 * trained. The query is the one {@code trainer.start} builds (the trainer's checkpoint location,
 * {@code foreachBatch(trainer.batchFunction())}) plus a clock around each call of the batch
 * function, so the pass's wall time runs from the first micro-batch's arrival to the last commit,
 * without the query's start-up. A listener records Spark's own per-trigger durations, which is
 * where the time outside the trainer goes. Driver-side; one pass per instance.
 */
final class StreamPass {

  /** How long the listener bus may lag behind the query's end before the pass gives up on its events. */
  private static final long LISTENER_WAIT_SECONDS = 60;
  private static final Ticker TICKER = Ticker.systemTicker();

  /**
   * What a pass measured.
   *
   * @param wallSeconds first micro-batch's arrival in the batch function to the last one's return
   * @param querySeconds {@code start()} to the query's end (start-up and the last empty trigger included)
   * @param batches the trainer's progress() entries of this pass, oldest first
   * @param spark Spark's durationMs per micro-batch id (triggerExecution, addBatch, latestOffset, ...)
   * @param stages the Spark stages that ran during the pass
   */
  record Result(double wallSeconds, double querySeconds, List<MicroBatchStats> batches,
      Map<Long, Map<String, Long>> spark, List<StageTimes.Stage> stages) {

    long rows() {
      return batches.stream().mapToLong(MicroBatchStats::rows).sum();
    }
  }

  private final SparkSession spark;
  private final PsStreamingTrainer<PsLogisticRegressionModel> trainer;
  private final Map<Long, Map<String, Long>> durations = new ConcurrentHashMap<>();
  // Written by Spark's micro-batch thread, read after the query ended (awaitTermination orders them).
  private volatile long first = -1;
  private volatile long last = -1;

  StreamPass(SparkSession spark, PsStreamingTrainer<PsLogisticRegressionModel> trainer) {
    this.spark = spark;
    this.trainer = trainer;
  }

  /**
   * Trains on every file under {@code dir} (schema {@code schema}), {@code filesPerTrigger} files
   * per micro-batch; with {@code repartition > 0} each micro-batch's rows are first shuffled into
   * that many partitions (a query stage before foreachBatch), else the trainer gets them as the
   * file source reads them.
   */
  Result run(String dir, StructType schema, int filesPerTrigger, int repartition)
      throws StreamingQueryException, TimeoutException, InterruptedException {
    Dataset<Row> read = spark.readStream().schema(schema).option("maxFilesPerTrigger", filesPerTrigger).parquet(dir);
    Dataset<Row> stream = repartition > 0 ? read.repartition(repartition) : read;
    VoidFunction2<Dataset<Row>, Long> train = trainer.batchFunction();
    VoidFunction2<Dataset<Row>, Long> timed = (batch, id) -> {
      long now = TICKER.read();
      if (first < 0) {
        first = now;
      }
      train.call(batch, id);
      last = TICKER.read();
    };
    CountDownLatch ended = new CountDownLatch(1);
    StreamingQueryListener listener = new Listener(durations, ended);
    spark.streams().addListener(listener);
    StageTimes stages = new StageTimes();
    spark.sparkContext().addSparkListener(stages);
    int before = trainer.progress().size();
    long start = TICKER.read();
    try {
      StreamingQuery query = stream.writeStream().option("checkpointLocation", trainer.checkpointLocation())
          .foreachBatch(timed).queryName(trainer.modelName()).trigger(Trigger.AvailableNow()).start();
      query.awaitTermination();
      double querySeconds = (TICKER.read() - start) / 1e9;
      // Progress events reach listeners through Spark's listener bus, after the query has returned.
      if (!ended.await(LISTENER_WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the streaming query ended but its listener heard nothing of it within "
            + LISTENER_WAIT_SECONDS + " s");
      }
      // Stage events travel on another queue of the bus: wait until every queue has delivered its events.
      spark.sparkContext().listenerBus().waitUntilEmpty(TimeUnit.SECONDS.toMillis(LISTENER_WAIT_SECONDS));
      List<MicroBatchStats> all = trainer.progress();
      if (first < 0) {
        throw new IllegalStateException("the stream over " + dir + " delivered no micro-batch");
      }
      return new Result((last - first) / 1e9, querySeconds, List.copyOf(all.subList(before, all.size())),
          Map.copyOf(durations), stages.stages());
    } finally {
      spark.streams().removeListener(listener);
      spark.sparkContext().removeSparkListener(stages);
    }
  }

  /** Keeps each trigger's durations; counts down when the query ends. */
  private static final class Listener extends StreamingQueryListener {
    private final Map<Long, Map<String, Long>> durations;
    private final CountDownLatch ended;

    Listener(Map<Long, Map<String, Long>> durations, CountDownLatch ended) {
      this.durations = durations;
      this.ended = ended;
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
      // nothing to record
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      durations.put(event.progress().batchId(), Map.copyOf(event.progress().durationMs()));
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
      ended.countDown();
    }
  }
}
