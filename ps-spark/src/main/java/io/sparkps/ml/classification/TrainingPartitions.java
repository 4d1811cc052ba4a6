package io.sparkps.ml.classification;

import io.sparkps.ml.SparseExample;
import io.sparkps.spark.BarrierLineage;
import io.sparkps.spark.PsContext;
import org.apache.spark.api.java.JavaRDD;

/** How the estimators lay their training rows out over workers. Stateless. */
final class TrainingPartitions {

  private TrainingPartitions() {}

  /**
   * {@code rows} on {@code numPartitions} partitions, or with 0 on its own partitions capped at the
   * application's task slots (gated runs need every partition running at once). Shuffles rather than
   * coalesces, and shuffles an input that was coalesced before: Spark's barrier stages refuse a
   * partition count that changes within the stage ({@link BarrierLineage}).
   */
  static JavaRDD<SparseExample> spread(PsContext ps, JavaRDD<SparseExample> rows, int numPartitions) {
    int slots = Math.max(1, ps.sparkContext().defaultParallelism());
    int target = numPartitions > 0 ? numPartitions : Math.min(rows.getNumPartitions(), slots);
    if (target != rows.getNumPartitions() || BarrierLineage.mismatch(rows.rdd()) != null) {
      return rows.repartition(target);
    }
    return rows;
  }
}
