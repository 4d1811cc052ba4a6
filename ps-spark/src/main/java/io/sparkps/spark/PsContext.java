package io.sparkps.spark;

import static io.sparkps.core.check.Checks.requireArgument;

import io.sparkps.core.client.PsClient;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.clock.RunStats;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.checkpoint.CheckpointPolicy;
import io.sparkps.core.checkpoint.Manifest;
import io.sparkps.core.scheduler.PsScheduler;
import io.sparkps.core.transport.Await;
import io.sparkps.core.transport.PsDeadlineException;
import io.sparkps.core.transport.PsInterruptedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parameter server of one Spark application, seen from the driver: creates tables (returning
 * serialisable handles to use inside tasks) and runs gated training over an RDD's partitions.
 *
 * <pre>{@code
 * PsContext ps = PsContext.getOrCreate(spark);
 * SparseTableHandle w = ps.sparseTable(TableSpec.sparse("lr.w", 1).withUpdater(UpdaterSpec.adagrad(0.1)));
 * ps.train(rows, "lr", Consistency.ssp(2), (worker, it) -> { ... worker.push(w, keys, grads); worker.clock(); });
 * }</pre>
 *
 * <p>With {@code spark.plugins=io.sparkps.spark.PsPlugin} the servers already run in the executors;
 * without it (an existing spark-shell or notebook session), {@link #getOrCreate} starts them itself
 * with a one-task-per-executor job. Thread-safe.
 */
public final class PsContext implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PsContext.class);
  private static final long SERVER_WAIT_SECONDS = 120;

  private final SparkContext sc;
  private final DriverRuntime runtime;

  private PsContext(SparkContext sc, DriverRuntime runtime) {
    this.sc = sc;
    this.runtime = runtime;
  }

  /** The context of {@code spark}'s application, starting scheduler and servers if needed. */
  public static synchronized PsContext getOrCreate(SparkSession spark) {
    return getOrCreate(spark.sparkContext());
  }

  /** As {@link #getOrCreate(SparkSession)}, from a SparkContext. */
  public static synchronized PsContext getOrCreate(SparkContext sc) {
    if (sc.isStopped()) {
      throw new IllegalStateException("the SparkContext is stopped; create a new SparkSession first");
    }
    DriverRuntime rt = DriverRuntime.get(sc);
    try {
      if (rt == null) {
        rt = DriverRuntime.start(sc, false);
        String deploymentId = rt.endpoint.deploymentId();
        sc.addSparkListener(new SparkListener() {
          @Override
          public void onApplicationEnd(SparkListenerApplicationEnd end) {
            DriverRuntime.stop(deploymentId);
          }
        });
        LOG.info("spark.plugins does not include {}: started the spark-ps scheduler in the driver; "
            + "launching parameter servers with a one-task-per-executor job", PsPlugin.class.getName());
        ServerLauncher.launch(sc, rt);
      }
      awaitServers(sc, rt);
      Checkpoints.ensureConfigured(sc, rt.scheduler);  // a dir set since the scheduler started
    } catch (IOException e) {
      throw new UncheckedIOException("spark-ps could not start: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("spark-ps could not start its servers: " + e.getMessage(), e);
    }
    return new PsContext(sc, rt);
  }

  private static void awaitServers(SparkContext sc, DriverRuntime rt) {
    int expected = ServerLauncher.expectedServers(sc);
    try {
      Await.result(rt.scheduler.awaitServers(expected), java.time.Duration.ofSeconds(SERVER_WAIT_SECONDS),
          "registration of " + expected + " parameter servers");
    } catch (PsDeadlineException e) {
      throw new PsDeadlineException("only " + alive(rt.scheduler) + " of " + expected
          + " parameter servers registered within " + SERVER_WAIT_SECONDS + " s; check the executor logs for "
          + "'could not start its parameter server', and that executors have the spark-ps jar (--jars)", e.timeout(), e);
    }
  }

  private static long alive(PsScheduler scheduler) {
    return scheduler.routing().servers().stream().filter(s -> s.alive()).count();
  }

  /** How tasks reach the servers (what handles carry). */
  public PsEndpoint endpoint() {
    return runtime.endpoint;
  }

  /** The driver's client. */
  public PsClient client() {
    return ClientRegistry.client(runtime.endpoint);
  }

  /** The routing table: servers and tables. */
  public RoutingTable routing() {
    return runtime.scheduler.routing();
  }

  /** Creates a sparse table, or returns a handle on the existing one if its spec is the same. */
  public SparseTableHandle sparseTable(TableSpec spec) {
    requireArgument(!spec.isDense(), "sparseTable needs a sparse spec: table=%s is %s", spec.name(), spec.kind());
    ensureTable(spec);
    return new SparseTableHandle(runtime.endpoint, spec.name(), spec.dim());
  }

  /** Creates a dense table, or returns a handle on the existing one if its spec is the same. */
  public DenseTableHandle denseTable(TableSpec spec) {
    requireArgument(spec.isDense(), "denseTable needs a dense spec: table=%s is %s", spec.name(), spec.kind());
    ensureTable(spec);
    return new DenseTableHandle(runtime.endpoint, spec.name(), spec.rows(), spec.dim());
  }

  /** Drops a table and its data. */
  public void dropTable(String name) {
    client().dropTable(name);
  }

  private void ensureTable(TableSpec spec) {
    PsClient client = client();
    TableSpec existing = client.routing().table(spec.name()).map(r -> r.spec()).orElse(null);
    if (existing == null) {
      try {
        if (spec.isDense()) {
          client.createDenseTable(spec);
        } else {
          client.createSparseTable(spec);
        }
        return;
      } catch (PsRemoteException e) {
        if (e.code() != ErrorCode.DUPLICATE_TABLE) {
          throw e;
        }
        // Created meanwhile (by another thread): this client's copy of the routing may not have
        // heard of it yet; the scheduler (in this driver) has, and the client waits to catch up.
        RoutingTable now = routing();
        existing = now.table(spec.name()).map(r -> r.spec()).orElseThrow(() -> e);
        await(client.routingAtLeast(now.version()), "routing for table " + spec.name());
      }
    }
    if (!existing.equals(spec)) {
      throw new IllegalArgumentException("table " + spec.name() + " exists with another spec: existing="
          + existing + ", requested=" + spec + " (drop it with dropTable, or use another name)");
    }
  }

  /**
   * Trains over {@code data}'s partitions: partition i is worker i of run {@code run}. Gated runs
   * (BSP, SSP) need every partition running at once, so they use Spark barrier execution (gang
   * scheduling only; clocks go through the scheduler) after checking there are enough task slots;
   * ASP runs, and runs with dynamic allocation on, use plain mapPartitions. A failed stage is
   * resubmitted up to {@code spark.ps.train.maxAttempts} times: workers resume from their clocks
   * and their replayed pushes are not applied twice. In the Spark UI its jobs are described
   * {@code spark-ps training run <run> (<consistency>, attempt n)} (the caller's description comes
   * back afterwards) and its stages carry the {@link TaskCounters} accumulators per task.
   *
   * @return the run's statistics
   */
  public <T> RunStats train(JavaRDD<T> data, String run, Consistency consistency, TrainFunction<T> fn) {
    return train(data, run, consistency, null, TaskCounters.register(sc), fn);
  }

  /**
   * As {@link #train(JavaRDD, String, Consistency, TrainFunction)}; {@code label} (may be null)
   * starts the training jobs' description, and the tasks add what they did to {@code
   * counters} ({@link Training#labelled}, {@link Training#counting}).
   */
  <T> RunStats train(JavaRDD<T> data, String run, Consistency consistency, String label, TaskCounters counters,
      TrainFunction<T> fn) {
    requireArgument(run != null && !run.isBlank(), "run name must not be blank: run=%s", run);
    int workers = data.getNumPartitions();
    boolean dynamic = sc.getConf().getBoolean("spark.dynamicAllocation.enabled", false);
    boolean barrier = consistency.gated() && !dynamic;
    if (consistency.gated()) {
      int slots = TaskSlots.available(sc);
      if (workers > slots) {
        throw new IllegalStateException("training run " + run + " (" + consistency + ") needs " + workers
            + " tasks running at once, one per partition, but the application has " + slots
            + " task slots; repartition the data to at most " + slots + " partitions or add executors");
      }
    }
    if (barrier) {
      org.apache.spark.rdd.RDD<?> odd = BarrierLineage.mismatch(data.rdd());
      if (odd != null) {
        throw new IllegalArgumentException("training run " + run + ": its data has " + data.getNumPartitions()
            + " partitions but is computed in the same stage from " + odd + " with " + odd.getNumPartitions()
            + " (a coalesce, union or similar); Spark's barrier mode refuses that (SPARK-24820). "
            + "repartition(" + data.getNumPartitions() + ") the data, and persist it, before training");
      }
    }
    // A checkpoint dir set with sc.setCheckpointDir after the scheduler started counts from here:
    // automatic checkpoints are taken at this run's clock boundaries.
    Checkpoints.ensureConfigured(sc, runtime.scheduler);
    int maxAttempts = sc.getConf().getInt(PsSparkConf.TRAIN_MAX_ATTEMPTS, 3);
    List<Throwable> failures = new ArrayList<>();
    for (int attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0 && barrier) {
        awaitSlots(run, workers);
      }
      PartitionWorker<T> body = new PartitionWorker<>(runtime.endpoint, run, workers, consistency, attempt, fn,
          counters);
      // The caller's own description (a user's, or an estimator's for its other jobs) comes back after.
      String callersDescription = sc.getLocalProperty(JobLabels.DESCRIPTION);
      // The label first: the Spark UI's job table cuts long descriptions at its column's width.
      String job = "spark-ps training run " + run + " (" + consistency + ", attempt " + (attempt + 1) + ")";
      sc.setJobDescription(label == null ? job : label + " | " + job);
      try {
        if (barrier) {
          data.rdd().barrier().mapPartitions(ScalaFunctions.partitions(body), false,
              scala.reflect.ClassTag$.MODULE$.apply(Integer.class)).count();
        } else {
          data.mapPartitions(body::call).count();
        }
        return runStats(run);
      } catch (Exception e) { // SparkException is checked in Java's eyes but thrown undeclared
        IllegalStateException missing = MissingJar.explain(e);
        if (missing != null) {
          throw missing;
        }
        InvalidTrainingDataException invalid = TrainingFailures.invalidData(e);
        if (invalid != null) {
          throw invalid; // a resubmitted run would fail on the same rows
        }
        if (TrainingFailures.notSerializable(e)) {
          throw new IllegalArgumentException("training run " + run + ": its function, or something it captures, "
              + "cannot be serialised to the executors (" + firstLine(e) + "); see the cause's serialization "
              + "stack, and capture table handles, not PsContext or SparkContext", e);
        }
        failures.add(e);
        // Spark's message carries every task's stack trace: one line here, the stack at DEBUG.
        LOG.warn("Training run {} attempt {} of {} failed: {}{}", run, attempt + 1, maxAttempts, firstLine(e),
            attempt + 1 < maxAttempts ? "; resubmitting it, workers resume from their last good clock" : "");
        LOG.debug("Training run {} attempt {} failure", run, attempt + 1, e);
      } finally {
        sc.setLocalProperty(JobLabels.DESCRIPTION, callersDescription);
      }
    }
    IllegalStateException e = new IllegalStateException("training run " + run + " failed " + maxAttempts
        + " times (raise " + PsSparkConf.TRAIN_MAX_ATTEMPTS + " to retry more); last failure: "
        + failures.get(failures.size() - 1).getMessage(), failures.get(failures.size() - 1));
    throw e;
  }

  /**
   * Before resubmitting a gated run: its barrier stage needs a slot per worker at once, and an
   * executor lost with the previous attempt may still be on its way back.
   */
  private void awaitSlots(String run, int workers) {
    long timeoutMs = sc.getConf().getTimeAsMs(PsSparkConf.TRAIN_SLOT_WAIT, "5min");
    try {
      if (TaskSlots.concurrentTasks(sc) < workers) {
        LOG.info("Training run {} waits for {} task slots (executors now offer {}) before resuming", run, workers,
            TaskSlots.concurrentTasks(sc));
      }
      if (!TaskSlots.await(sc, workers, java.time.Duration.ofMillis(timeoutMs))) {
        throw new PsDeadlineException("training run " + run + " needs " + workers + " tasks running at once to "
            + "resume, but the executors offer " + TaskSlots.concurrentTasks(sc) + " task slots after waiting "
            + timeoutMs + " ms (" + PsSparkConf.TRAIN_SLOT_WAIT + "); its state is kept: call train again with the "
            + "same run name once executors are back", java.time.Duration.ofMillis(timeoutMs), null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PsInterruptedException("interrupted while training run " + run + " waited for task slots (the "
          + "thread's interrupt flag is set again; the run's state is kept: call train again to resume it)", e);
    }
  }

  /**
   * What failed, in one line. A Spark job failure's message is "Job aborted due to stage failure:
   * ..." followed by the task's failure and whole stack traces; the task's failure is the line
   * worth logging. Otherwise the first line of the innermost message.
   */
  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int driverStack = m.indexOf("Driver stacktrace:");
    String[] lines = (driverStack < 0 ? m : m.substring(0, driverStack)).split("\n");
    if (lines.length > 1 && lines[0].startsWith("Job aborted") && !lines[1].isBlank()) {
      return lines[1].trim();
    }
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String inner = t.getClass().getSimpleName() + ": " + t.getMessage();
    int nl = inner.indexOf('\n');
    return nl < 0 ? inner : inner.substring(0, nl);
  }

  /**
   * Takes a checkpoint of the named tables (none named: all tables) now, as a consistent cut:
   * running training runs are held at their next clock boundary while the servers write their
   * shards in parallel. Blocks until the manifest is written. Needs {@code spark.ps.checkpoint.dir}
   * or a SparkContext checkpoint directory.
   *
   * @return what the checkpoint holds (its id, tables, bytes, run clocks)
   */
  public Manifest checkpoint(String... tables) {
    Checkpoints.ensureConfigured(sc, runtime.scheduler);
    return await(runtime.scheduler.checkpoint(tables), "checkpoint");
  }

  /**
   * Loads a checkpoint into this application (continue training tomorrow): {@code dir} is a
   * checkpoint directory or a checkpoint root, whose newest complete checkpoint is used. Creates
   * every table of the checkpoint with its rows, optimizer state and versions; tables with those
   * names must not exist yet. Afterwards get handles with {@link #sparseTable}/{@link #denseTable}
   * and the same specs.
   */
  public Manifest restore(String dir) {
    Manifest m = await(runtime.scheduler.restore(dir), "restore from " + dir);
    // The scheduler's routing holds the restored tables now; this driver's client hears of them
    // by a message that may still be on its way: wait for it, so handles made next find them.
    await(client().routingAtLeast(routing().version()), "routing after restore from " + dir);
    return m;
  }

  /** The checkpoint a lost server's shards are restored from: the newest taken or restored. */
  public Optional<Manifest> latestCheckpoint() {
    return runtime.scheduler.latestCheckpoint();
  }

  /**
   * Where checkpoints go: the configured policy ({@code spark.ps.checkpoint.dir} or the
   * SparkContext's checkpoint directory), or else on-demand checkpoints under {@code fallbackDir}
   * (set here, for the rest of the application). Used by components that checkpoint by themselves
   * (the streaming trainer).
   */
  public CheckpointPolicy checkpointPolicyOr(String fallbackDir) {
    Checkpoints.ensureConfigured(sc, runtime.scheduler);
    synchronized (runtime) {
      if (runtime.scheduler.checkpointPolicy().isEmpty()) {
        runtime.scheduler.configureCheckpoints(CheckpointPolicy.onDemand(fallbackDir));
      }
      return runtime.scheduler.checkpointPolicy().orElseThrow();
    }
  }

  /**
   * Keeps checkpoint directory {@code dir} from being pruned by newer checkpoints until {@link
   * #unpinCheckpoint} (for a checkpoint a component will restore later; see {@code
   * PsScheduler.pinCheckpoint}).
   */
  public void pinCheckpoint(String dir) {
    runtime.scheduler.pinCheckpoint(dir);
  }

  /** Lets a checkpoint pinned with {@link #pinCheckpoint} be pruned again. */
  public void unpinCheckpoint(String dir) {
    runtime.scheduler.unpinCheckpoint(dir);
  }

  /** Lost servers' shards restored (or restarted empty) so far in this application. */
  public long shardRecoveries() {
    return runtime.scheduler.metrics().recoveries();
  }

  /** Waits for a scheduler operation (checkpoint, restore) as every blocking call does: see {@link Await}. */
  private <T> T await(java.util.concurrent.CompletableFuture<T> f, String what) {
    return Await.result(f, runtime.endpoint.config().clockTimeout(), what, "it may still complete; raise "
        + PsSparkConf.CLOCK_TIMEOUT + " if it is only slow: a checkpoint also waits for running training runs to "
        + "reach a clock boundary");
  }

  /** Statistics of a run: clocks, time blocked in clock(), skew. */
  public RunStats runStats(String run) {
    return runtime.scheduler.runStats(run).orElseThrow(() ->
        new IllegalArgumentException("no training run named " + run));
  }

  /**
   * A readable summary for notebooks and the shell, a line per item: servers (alive, dead, lost),
   * tables with their rows and bytes, training runs with their clocks, blocked time and skew, the
   * last checkpoint and the recoveries so far. Asks each sparse table's servers for its size.
   * {@code println(ps.status())}.
   */
  public String status() {
    return StatusReport.format(runtime.endpoint.deploymentId(), runtime.scheduler, client(),
        runtime.endpoint.config().requestTimeout());
  }

  /** The Java view of the SparkContext this context belongs to. */
  public JavaSparkContext sparkContext() {
    return JavaSparkContext.fromSparkContext(sc);
  }

  /** Stops the scheduler and servers of this application (they also stop with the SparkContext). */
  @Override
  public void close() {
    DriverRuntime.stop(runtime.endpoint.deploymentId());
  }

  /**
   * A training run over {@code data} waiting for its function, for Scala (where
   * {@link #train}'s lambda needs explicit parameter types):
   * {@code ps.training(rdd, "lr", Consistency.ssp(2)).run { (worker, rows) => ... }}.
   * {@link Training#run} calls {@link #train}.
   */
  public <T> Training<T> training(JavaRDD<T> data, String run, Consistency consistency) {
    return new Training<>(this, data, run, consistency);
  }

  /** As {@link #training(JavaRDD, String, Consistency)}, over a Scala RDD. */
  public <T> Training<T> training(org.apache.spark.rdd.RDD<T> data, String run, Consistency consistency) {
    return training(java.util.Objects.requireNonNull(data, "data").toJavaRDD(), run, consistency);
  }
}
