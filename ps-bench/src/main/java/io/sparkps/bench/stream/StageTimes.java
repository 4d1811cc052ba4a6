package io.sparkps.bench.stream;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.StageInfo;

/**
 * The Spark stages that ran while a pass was being measured, each as its kind and wall time:
 * a shuffle map stage of a micro-batch reads its parquet file, converts the rows and writes them
 * for the repartition to the training partitions; a result stage is the training run (the rows
 * logged, then trained). Their means, set against the trainer's appliedSeconds, say how much of
 * a micro-batch is the stages' and how much the driver's between them. Registered on the
 * SparkContext for the pass; events arrive on Spark's listener bus thread, read after it drained.
 */
final class StageTimes extends SparkListener {

  /**
   * One completed stage.
   *
   * @param map a shuffle map stage (scan, convert, write for the repartition); else a result stage
   * @param millis submission to completion
   * @param tasks its tasks
   */
  record Stage(boolean map, long millis, int tasks) {}

  private final List<Stage> stages = new ArrayList<>();

  @Override
  public synchronized void onStageCompleted(SparkListenerStageCompleted event) {
    StageInfo info = event.stageInfo();
    if (info.submissionTime().isEmpty() || info.completionTime().isEmpty()) {
      return;  // skipped or never submitted: it took no time
    }
    long millis = (Long) info.completionTime().get() - (Long) info.submissionTime().get();
    stages.add(new Stage(info.shuffleDepId().isDefined(), millis, info.numTasks()));
  }

  synchronized List<Stage> stages() {
    return List.copyOf(stages);
  }

  /** Mean wall time (ms) of the map or result stages, NaN without any. */
  static double meanMillis(List<Stage> stages, boolean map) {
    return stages.stream().filter(s -> s.map() == map).mapToLong(Stage::millis).average().orElse(Double.NaN);
  }

  static long count(List<Stage> stages, boolean map) {
    return stages.stream().filter(s -> s.map() == map).count();
  }
}
