package io.sparkps.spark.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskEndReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Counts what an application submitted: the jobs {@code PsContext.train} runs (one per attempt of
 * a run, recognised by their job description) and the tasks that failed. Reads wait until the
 * listener bus has delivered every event posted so far. Thread-safe.
 */
public final class TrainingJobs extends SparkListener implements AutoCloseable {

  private static final String PREFIX = "spark-ps training run ";

  private final SparkContext sc;
  private final ConcurrentLinkedQueue<String> descriptions = new ConcurrentLinkedQueue<>();
  private final AtomicInteger failedTasks = new AtomicInteger();
  /** Stages of the jobs started since {@link #watch}: an earlier job's killed tasks report late. */
  private final java.util.Set<Integer> stages = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private TrainingJobs(SparkContext sc) {
    this.sc = sc;
  }

  /**
   * Starts counting from now: jobs started from now on, and their tasks. (Tasks an earlier job's
   * failure killed may report their end after that job failed, so tasks are counted by stage.)
   */
  public static TrainingJobs watch(SparkContext sc) throws TimeoutException {
    sc.listenerBus().waitUntilEmpty();
    TrainingJobs jobs = new TrainingJobs(sc);
    sc.addSparkListener(jobs);
    return jobs;
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    start.stageInfos().foreach(info -> stages.add(info.stageId()));
    String d = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
    if (d != null && d.contains(PREFIX)) {  // after an estimator's label, if any
      descriptions.add(d);
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    TaskEndReason reason = end.reason();
    if (stages.contains(end.stageId()) && !(reason instanceof org.apache.spark.Success$)) {
      failedTasks.incrementAndGet();
    }
  }

  /** Descriptions of the training jobs of runs whose name starts with {@code runPrefix}, in order. */
  public List<String> attempts(String runPrefix) throws TimeoutException {
    sc.listenerBus().waitUntilEmpty();
    List<String> out = new ArrayList<>();
    for (String d : descriptions) {
      if (d.contains(PREFIX + runPrefix)) {
        out.add(d);
      }
    }
    return out;
  }

  /** Tasks that ended other than successfully (failed, killed) since {@link #watch}. */
  public int failedTasks() throws TimeoutException {
    sc.listenerBus().waitUntilEmpty();
    return failedTasks.get();
  }

  @Override
  public void close() {
    sc.removeSparkListener(this);
  }
}
