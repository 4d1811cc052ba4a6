package io.sparkps.bench.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Spark stages that ran while a pass was being measured, each as its kind and wall time:
 * a shuffle map stage of a micro-batch reads its parquet file, converts the rows and writes them
 * for the repartition to the training partitions; a result stage is the training run (the rows
 * logged, then trained). Their means, set against the trainer's appliedSeconds, say how much of
 * a micro-batch is the stages' and how much the driver's between them. Registered on the
 * SparkContext for the pass; events arrive on Spark's listener bus thread, read after it drained.
 */
final class StageTimes extends SparkListener {

  /** The local property Spark's micro-batch thread sets, inherited by the jobs foreachBatch starts. */
  private static final String BATCH_ID = "streaming.sql.batchId";

  /**
   * One completed stage.
   *
   * @param batch the micro-batch whose job ran it, -1 when the job named none
   * @param map a shuffle map stage (scan, convert, write for the repartition); else a result stage
   * @param millis submission to completion
   * @param tasks its tasks
   * @param busiestShare the largest share of the stage's input rows (file or shuffle) one task read, NaN without rows
   */
  record Stage(long batch, boolean map, long millis, int tasks, double busiestShare) {}

  private final List<Stage> stages = new ArrayList<>();
  private final Map<Integer, Long> batchOfStage = new HashMap<>();
  /** Per stage: rows read by its busiest task, and by all its tasks. */
  private final Map<Integer, long[]> rowsOfStage = new HashMap<>();

  @Override
  public synchronized void onJobStart(SparkListenerJobStart event) {
    String batch = event.properties() == null ? null : event.properties().getProperty(BATCH_ID);
    if (batch != null) {
      for (StageInfo info : CollectionConverters.asJava(event.stageInfos())) {
        batchOfStage.put(info.stageId(), Long.parseLong(batch));
      }
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd event) {
    TaskMetrics m = event.taskMetrics();
    if (m == null) {
      return;
    }
    long rows = m.inputMetrics().recordsRead() + m.shuffleReadMetrics().recordsRead();
    long[] r = rowsOfStage.computeIfAbsent(event.stageId(), k -> new long[2]);
    r[0] = Math.max(r[0], rows);
    r[1] += rows;
  }

  @Override
  public synchronized void onStageCompleted(SparkListenerStageCompleted event) {
    StageInfo info = event.stageInfo();
    if (info.submissionTime().isEmpty() || info.completionTime().isEmpty()) {
      return;  // skipped or never submitted: it took no time
    }
    long millis = (Long) info.completionTime().get() - (Long) info.submissionTime().get();
    long[] rows = rowsOfStage.getOrDefault(info.stageId(), new long[2]);
    stages.add(new Stage(batchOfStage.getOrDefault(info.stageId(), -1L), info.shuffleDepId().isDefined(), millis,
        info.numTasks(), rows[1] > 0 ? (double) rows[0] / rows[1] : Double.NaN));
  }

  synchronized List<Stage> stages() {
    return List.copyOf(stages);
  }

  /** Mean wall time (ms) of the map or result stages, NaN without any. */
  static double meanMillis(List<Stage> stages, boolean map) {
    return stages.stream().filter(s -> s.map() == map).mapToLong(Stage::millis).average().orElse(Double.NaN);
  }

  /** Wall time (ms) of micro-batch {@code batch}'s map or result stages, summed. */
  static long batchMillis(List<Stage> stages, long batch, boolean map) {
    return stages.stream().filter(s -> s.batch() == batch && s.map() == map).mapToLong(Stage::millis).sum();
  }

  /** Mean over the map or result stages with rows of the busiest task's share of them. */
  static double meanBusiestShare(List<Stage> stages, boolean map) {
    return stages.stream().filter(s -> s.map() == map && !Double.isNaN(s.busiestShare()))
        .mapToDouble(Stage::busiestShare).average().orElse(Double.NaN);
  }

  static long count(List<Stage> stages, boolean map) {
    return stages.stream().filter(s -> s.map() == map).count();
  }
}
