package io.sparkps.ml.streaming;

import static io.sparkps.core.check.Checks.requireArgument;

import io.sparkps.core.checkpoint.CheckpointPolicy;
import io.sparkps.core.checkpoint.Manifest;
import io.sparkps.core.clock.RunStats;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.config.TableSpec;
import io.sparkps.ml.SparseExample;
import io.sparkps.spark.DenseTableHandle;
import io.sparkps.spark.PsContext;
import io.sparkps.spark.TrainFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a model online from a Structured Streaming DataFrame, exactly once: every micro-batch is
 * one training run over its rows (run name from the micro-batch id), and its updates reach the
 * model once however often Spark replays it, within the application or after the driver died.
 *
 * <pre>{@code
 * PsStreamingTrainer<PsLogisticRegressionModel> trainer = PsStreamingTrainer
 *     .builder(new PsLogisticRegression().setOptimizer("ftrl").setStepSize(0.1))
 *     .modelName("ctr").checkpointLocation("hdfs:///streams/ctr").build(spark);
 * StreamingQuery query = trainer.start(clicks);   // features, label (and weight) columns
 * PsLogisticRegressionModel now = trainer.snapshot();
 * }</pre>
 *
 * <p>How: each worker logs its rows of the micro-batch durably before training on them; when the
 * run has ended (every update acknowledged by every server) the trainer writes the micro-batch's
 * commit; every {@code fullCheckpointEvery} micro-batches it takes a full checkpoint of the model.
 * A restarted application restores the newest full checkpoint and trains the committed
 * micro-batches after it again from their logged rows; Spark then replays the micro-batch it had
 * not committed, and skips nothing else. A micro-batch the trainer has committed is skipped when
 * Spark hands it over again. A micro-batch replayed in the same application resumes its training
 * run, whose already applied pushes the servers refuse. Lost parameter servers (an executor lost
 * mid-stream) roll their shards back to the last checkpoint; the trainer notices and rebuilds the
 * model the same way before the next micro-batch. docs/streaming.md has the guarantees and costs.
 *
 * <p>Driver-side and thread-safe: micro-batches are handled one at a time; {@link #snapshot} and
 * {@link #liveModel} read the servers without waiting for training.
 *
 * @param <M> the model snapshots give
 */
public final class PsStreamingTrainer<M> {

  private static final Logger LOG = LoggerFactory.getLogger(PsStreamingTrainer.class);
  /** Rows of the totals table: micro-batch b counts into row b % SLOTS. */
  static final int SLOTS = 1024;
  private static final Ticker TICKER = Ticker.systemTicker();

  private final PsContext ps;
  private final OnlineLearner<M> learner;
  private final String modelName;
  private final String checkpointLocation;
  private final int fullCheckpointEvery;
  private final StreamLog log;
  private final TableSpec totalsSpec;
  private final List<TableSpec> tables;

  // Guarded by this: the micro-batch handler's state.
  private boolean opened;
  private long committed = -1;
  private long lastFull = -1;
  private long totalRows;
  private long seenRecoveries;
  private int generation;
  private final TrainerProgress progress;
  private final FullCheckpoints fulls;
  private String sinkId;
  /** Feature vectors' size; read by snapshots without the lock. */
  private volatile long numFeatures = -1;

  private PsStreamingTrainer(PsContext ps, OnlineLearner<M> learner, String modelName, String checkpointLocation,
      int fullCheckpointEvery) {
    this.ps = ps;
    this.learner = learner;
    this.modelName = modelName;
    this.checkpointLocation = checkpointLocation;
    this.fullCheckpointEvery = fullCheckpointEvery;
    this.log = new StreamLog(checkpointLocation);
    this.progress = new TrainerProgress(modelName);
    this.totalsSpec = TableSpec.dense(modelName + ".stream", SLOTS, 3);
    List<TableSpec> all = new ArrayList<>(learner.tables());
    all.add(totalsSpec);
    this.tables = List.copyOf(all);
    this.fulls = new FullCheckpoints(ps, log, tables.stream().map(TableSpec::name).toList(), modelName);
  }

  /** A builder for training {@code estimator}'s model (with its current parameters) online. */
  public static <M> Builder<M> builder(OnlineEstimator<M> estimator) {
    return new Builder<>(Objects.requireNonNull(estimator, "estimator"));
  }

  /**
   * Starts a streaming query training on {@code stream} (the estimator's label, features and weight
   * columns) at Spark's default trigger, with the trainer's checkpoint location as the query's.
   * Each micro-batch's figures appear in the query's progress: {@code
   * query.lastProgress().sink().metrics()} ({@link #progressMetrics}).
   */
  public StreamingQuery start(Dataset<Row> stream) {
    return start(stream, null);
  }

  /** As {@link #start(Dataset)}, with a trigger ({@code Trigger.ProcessingTime("10 seconds")}, ...). */
  public StreamingQuery start(Dataset<Row> stream, Trigger trigger) {
    var writer = stream.writeStream().format(TrainingSinkProvider.class.getName())
        .option(TrainingSinkProvider.TRAINER_OPTION, sinkId()).option("checkpointLocation", checkpointLocation)
        .queryName(modelName);
    if (trigger != null) {
      writer = writer.trigger(trigger);
    }
    try {
      return writer.start();
    } catch (TimeoutException e) {
      throw new IllegalStateException("starting the streaming query for model " + modelName + " timed out: "
          + e.getMessage(), e);
    }
  }

  /** This trainer's id in {@link TrainingSinkProvider}'s registry, registered on first use. */
  private synchronized String sinkId() {
    if (sinkId == null) {
      sinkId = TrainingSinkProvider.register(this);
    }
    return sinkId;
  }

  /**
   * The newest micro-batch's figures as the query's progress shows them ({@code
   * lastProgress().sink().metrics()}): {@code batchId}, {@code rows}, {@code invalidRows}, {@code
   * rowsPerSecond}, {@code appliedSeconds} and its {@code appliedSecondsP50}/{@code P99} over the
   * last 100 micro-batches trained from the stream, {@code commitSeconds}, {@code fullCheckpoint},
   * {@code progressiveLogLoss}, {@code maxStaleness}, {@code rowsTrained} (all micro-batches).
   * Empty before the first micro-batch.
   */
  public synchronized Map<String, String> progressMetrics() {
    return progress.metrics(totalRows);
  }

  /**
   * The function to pass to {@code writeStream().foreachBatch(...)} when building the query by
   * hand (the query's {@code checkpointLocation} must be this trainer's); the query's progress then
   * lacks the trainer's figures ({@link #progress()} has them).
   */
  public VoidFunction2<Dataset<Row>, Long> batchFunction() {
    return (batch, id) -> train(batch, id);
  }

  /**
   * Trains on micro-batch {@code batchId}'s rows unless the model already holds it. Called by the
   * query for each micro-batch; returns once its updates are applied and committed.
   */
  public synchronized MicroBatchStats train(Dataset<?> batch, long batchId) {
    long arrived = TICKER.read();
    openOrRebuild();
    if (batchId <= committed) {
      LOG.info("Micro-batch {} of model {} is in the model already (committed before; Spark hands it over again "
          + "after a restart): skipped", batchId, modelName);
      return null;
    }
    if (committed >= 0 && batchId != committed + 1) {
      LOG.warn("Micro-batch {} of model {} follows micro-batch {}: the stream's checkpoint and the model's log under "
          + "{} disagree (was one of them replaced?); training on", batchId, modelName, committed, log.root());
    }
    int slot = (int) (batchId % SLOTS);
    String run = runName(batchId);
    boolean resumed = runExists(run);
    DenseTableHandle totals = ps.denseTable(totalsSpec);
    if (!resumed) {
      totals.assign(new long[] {slot}, new float[3]);
      log.discardRows(batchId);
    }
    BatchRows rows = learner.rows(ps, batch);
    int parts = rows.rows().getNumPartitions();
    RunStats run0 = null;
    if (parts > 0) {
      String rowsDir = log.rowsDir(batchId);
      run0 = ps.train(rows.rows(), run, learner.consistency(),
          new RowLoggingFunction(learner.batchFunction(ps, totals, slot), rowsDir));
    }
    long applied = TICKER.read();
    float[] t = totals.pullRange(slot, slot + 1);
    long logged = parts == 0 ? 0 : log.loggedRows(batchId, parts);
    // Servers lost during the run had their shards (the totals' too) rolled back to the last
    // checkpoint: the micro-batch's count on the servers no longer says what was trained, its log
    // does, and the model is rebuilt from the log below.
    boolean lost = ps.shardRecoveries() != seenRecoveries;
    long trained = lost ? logged : (long) t[2];
    if (!lost && trained != logged) {
      throw new IllegalStateException("micro-batch " + batchId + " of model " + modelName + ": the servers counted "
          + trained + " rows trained but the workers logged " + logged + " under " + log.rowsDir(batchId)
          + "; not committing it (a bug: please report it with the driver and executor logs)");
    }
    if (rows.invalidRows() > 0) {
      LOG.warn("Micro-batch {} of model {}: {} invalid rows skipped; the first: {}", batchId, modelName,
          rows.invalidRows(), rows.firstProblem());
    }
    noteFeatures(rows.numFeatures(), batchId);
    totalRows += trained;
    log.commit(new StreamLog.Commit(batchId, parts, trained, rows.invalidRows(), numFeatures, totalRows));
    committed = batchId;
    if (lost) {
      openOrRebuild();
    }
    boolean full = fullCheckpointEvery > 0 && batchId - Math.max(lastFull, -1) >= fullCheckpointEvery;
    if (full) {
      fulls.take(batchId, lastFull);
      lastFull = batchId;
    }
    long done = TICKER.read();
    MicroBatchStats s = new MicroBatchStats(batchId, trained, rows.invalidRows(), (applied - arrived) / 1e9,
        (done - applied) / 1e9, full, t[1] > 0 ? t[0] / t[1] : Double.NaN, run0 == null ? 0 : run0.maxSkew(),
        false);
    progress.record(s);
    return s;
  }

  /** The model as the servers hold it now (a regular model: save, load, transform). */
  public M snapshot() {
    return snapshotIfTrained().orElseThrow(() -> new IllegalStateException("model " + modelName + " has seen no "
        + "rows yet: a snapshot needs the feature vectors' size; wait for the first micro-batch "
        + "(trainer.committedBatch() >= 0)"));
  }

  /** As {@link #snapshot()}, or empty before the first micro-batch with rows. */
  public Optional<M> snapshotIfTrained() {
    synchronized (this) {
      openOrRebuild();
    }
    long n = numFeatures;
    return n < 0 ? Optional.empty() : Optional.of(learner.snapshot(ps, n));
  }

  /**
   * A model refreshed from the servers every {@code refresh} on a background thread, for scoring
   * while training goes on ({@link LiveModel#current}); close it when done. It may be made before
   * the first micro-batch: it has a model from the first refresh after one.
   */
  public LiveModel<M> liveModel(Duration refresh) {
    return new LiveModel<>(this::snapshotIfTrained, refresh, modelName);
  }

  /** The micro-batches handled so far by this trainer (the newest 1000), oldest first. */
  public List<MicroBatchStats> progress() {
    return progress.all();
  }

  /** Rows the model has learned from, over every application that trained it from this checkpoint location. */
  public synchronized long rowsTrained() {
    openOrRebuild();
    return totalRows;
  }

  /** The newest micro-batch the model holds, or -1. */
  public synchronized long committedBatch() {
    openOrRebuild();
    return committed;
  }

  public String modelName() {
    return modelName;
  }

  public String checkpointLocation() {
    return checkpointLocation;
  }

  // ---- recovery ----

  /** First use: attach to the tables of this application, or rebuild them; later: rebuild after lost servers. */
  private void openOrRebuild() {
    if (!opened) {
      CheckpointPolicy policy = fulls.policy();
      if (policy.automatic()) {
        LOG.warn("spark-ps takes automatic checkpoints every {} clocks and at the end of each run under {}: with "
            + "streaming that is a full checkpoint per micro-batch; set spark.ps.checkpoint.interval=0 and let the "
            + "trainer checkpoint every {} micro-batches", policy.everyClocks(), policy.dir(), fullCheckpointEvery);
      }
      seenRecoveries = ps.shardRecoveries();
      List<StreamLog.Commit> commits = log.commits();
      if (tablesExist()) {
        StreamLog.Commit last = commits.isEmpty() ? null : commits.get(commits.size() - 1);
        committed = last == null ? -1 : last.batch();
        totalRows = last == null ? 0 : last.totalRows();
        numFeatures = last == null ? -1 : last.numFeatures();
        lastFull = fulls.newest().map(StreamLog.Full::batch).orElse(-1L);
        LOG.info("Streaming model {} continues with its tables in this application at micro-batch {}", modelName,
            committed);
      } else {
        rebuild(commits);
      }
      opened = true;
    } else if (ps.shardRecoveries() != seenRecoveries) {
      seenRecoveries = ps.shardRecoveries();
      LOG.warn("Parameter servers of model {} were lost and their shards rolled back to the last checkpoint; "
          + "rebuilding the model from its full checkpoint and the micro-batches logged after it", modelName);
      for (TableSpec t : tables) {
        if (ps.routing().table(t.name()).isPresent()) {
          ps.dropTable(t.name());
        }
      }
      generation++;
      rebuild(log.commits());
    }
  }

  /** Restores the newest usable full checkpoint (or starts empty) and trains the committed micro-batches after it again. */
  private void rebuild(List<StreamLog.Commit> commits) {
    long start = TICKER.read();
    Optional<StreamLog.Full> full = fulls.newest();
    long base = -1;
    if (full.isPresent()) {
      Manifest m = ps.restore(full.get().dir());
      base = full.get().batch();
      for (TableSpec t : tables) {
        if (m.table(t.name()).isEmpty()) {
          throw new IllegalStateException("the full checkpoint " + full.get().dir() + " of model " + modelName
              + " has no table " + t.name() + " (it holds " + m.tables() + "); was the checkpoint location used "
              + "for another model?");
        }
      }
    }
    for (TableSpec t : tables) {
      createOrCheck(t);
    }
    lastFull = base;
    committed = base;
    totalRows = 0;
    numFeatures = -1;
    int replayed = 0;
    for (StreamLog.Commit c : commits) {
      if (c.batch() <= base) {
        committed = c.batch();
        totalRows = c.totalRows();
        numFeatures = c.numFeatures();
        continue;
      }
      replay(c);
      replayed++;
    }
    if (full.isPresent() || replayed > 0) {
      LOG.info("Streaming model {} recovered at micro-batch {} in {} ms: full checkpoint {}, then {} logged "
          + "micro-batches trained again", modelName, committed, (TICKER.read() - start) / 1_000_000,
          full.map(StreamLog.Full::dir).orElse("(none: started empty)"), replayed);
    }
  }

  /** Trains committed micro-batch {@code c} again from its logged rows; its row count must come out the same. */
  private void replay(StreamLog.Commit c) {
    long start = TICKER.read();
    int slot = (int) (c.batch() % SLOTS);
    DenseTableHandle totals = ps.denseTable(totalsSpec);
    totals.assign(new long[] {slot}, new float[3]);
    RunStats run = null;
    if (c.parts() > 0) {
      String rowsDir = log.rowsDir(c.batch());
      List<Integer> parts = new ArrayList<>();
      for (int p = 0; p < c.parts(); p++) {
        parts.add(p);
      }
      JavaRDD<SparseExample> rows = ps.sparkContext().parallelize(parts, c.parts()).flatMap(p -> {
        var files = io.sparkps.core.checkpoint.CheckpointFiles.forPath(rowsDir);
        return ExampleFiles.read(files, StreamLog.partPath(files, rowsDir, p)).iterator();
      });
      TrainFunction<SparseExample> fn = learner.batchFunction(ps, totals, slot);
      run = ps.train(rows, runName(c.batch()), learner.consistency(), fn);
    }
    float[] t = totals.pullRange(slot, slot + 1);
    if ((long) t[2] != c.rows()) {
      throw new IllegalStateException("replaying micro-batch " + c.batch() + " of model " + modelName + " from "
          + log.rowsDir(c.batch()) + " trained " + (long) t[2] + " rows, but " + c.rows() + " were committed; the "
          + "log under " + log.root() + " is damaged");
    }
    committed = c.batch();
    totalRows = c.totalRows();
    numFeatures = c.numFeatures();
    progress.record(new MicroBatchStats(c.batch(), c.rows(), c.invalidRows(), (TICKER.read() - start) / 1e9, 0, false,
        t[1] > 0 ? t[0] / t[1] : Double.NaN, run == null ? 0 : run.maxSkew(), true));
  }

  private boolean tablesExist() {
    return tables.stream().allMatch(t -> ps.routing().table(t.name()).isPresent());
  }

  private void createOrCheck(TableSpec t) {
    try {
      if (t.isDense()) {
        ps.denseTable(t);
      } else {
        ps.sparseTable(t);
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("model " + modelName + "'s table " + t.name() + " exists (restored from "
          + log.root() + " or created earlier) with other settings than the estimator's now; train with the "
          + "estimator's earlier settings, or use another model name and checkpoint location: " + e.getMessage(), e);
    }
  }

  private boolean runExists(String run) {
    try {
      ps.runStats(run);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private String runName(long batchId) {
    return modelName + "-batch-" + batchId + (generation == 0 ? "" : "-rebuilt-" + generation);
  }

  private void noteFeatures(long size, long batchId) {
    if (size < 0) {
      return;
    }
    if (numFeatures >= 0 && size != numFeatures) {
      LOG.warn("Micro-batch {} of model {} has feature vectors of size {}, earlier ones {}; the model keeps the "
          + "larger", batchId, modelName, size, numFeatures);
    }
    numFeatures = Math.max(numFeatures, size);
  }

  /** Configures a {@link PsStreamingTrainer}: model name, checkpoint location, full-checkpoint interval. */
  public static final class Builder<M> {
    private final OnlineEstimator<M> estimator;
    private String modelName = "model";
    private String checkpointLocation;
    private int fullCheckpointEvery = 10;

    private Builder(OnlineEstimator<M> estimator) {
      this.estimator = estimator;
    }

    /** Names the model's tables and runs; a restarted application must use the same name. Default "model". */
    public Builder<M> modelName(String name) {
      requireArgument(name != null && !name.isBlank() && name.matches("[A-Za-z0-9_.-]+"),
          "model name must be letters, digits, '_', '.' or '-': modelName=%s", name);
      this.modelName = name;
      return this;
    }

    /**
     * Where the query's checkpoint and the model's log and full checkpoints go (a shared file
     * system: HDFS, S3, or a local path in local mode). Required; a restarted application passes the same.
     */
    public Builder<M> checkpointLocation(String location) {
      requireArgument(location != null && !location.isBlank(), "checkpoint location must not be blank: location=%s",
          location);
      this.checkpointLocation = location;
      return this;
    }

    /**
     * A full checkpoint of the model every {@code n} micro-batches (default 10): fewer means less
     * written per micro-batch, more means less to train again after a restart.
     */
    public Builder<M> fullCheckpointEvery(int n) {
      requireArgument(n >= 1, "full checkpoints every n >= 1 micro-batches: n=%s", n);
      this.fullCheckpointEvery = n;
      return this;
    }

    /** The trainer, on {@code spark}'s parameter servers. */
    public PsStreamingTrainer<M> build(SparkSession spark) {
      requireArgument(checkpointLocation != null, "a streaming trainer needs a checkpoint location: call "
          + "checkpointLocation(...) with a directory on a shared file system%s", "");
      return new PsStreamingTrainer<>(PsContext.getOrCreate(spark), estimator.onlineLearner(modelName), modelName,
          checkpointLocation, fullCheckpointEvery);
    }
  }
}
