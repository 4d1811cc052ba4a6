package io.sparkps.spark;

import org.apache.spark.Dependency;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.rdd.RDD;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Whether Spark's barrier mode accepts an RDD: within one stage, every RDD must have as many
 * partitions as the stage has tasks (SPARK-24820/24821), so a {@code coalesce}, {@code union} or
 * partition pruning before the training run makes Spark refuse the job. Stateless.
 */
public final class BarrierLineage {

  private BarrierLineage() {}

  /**
   * The first RDD in {@code rdd}'s stage (following narrow dependencies, stopping at shuffles)
   * whose partition count differs from {@code rdd}'s, or null when barrier mode accepts it.
   */
  public static RDD<?> mismatch(RDD<?> rdd) {
    return mismatch(rdd, rdd.getNumPartitions());
  }

  private static RDD<?> mismatch(RDD<?> rdd, int partitions) {
    if (rdd.getNumPartitions() != partitions) {
      return rdd;
    }
    for (Dependency<?> dep : CollectionConverters.asJava(rdd.dependencies())) {
      if (!(dep instanceof ShuffleDependency)) {
        RDD<?> found = mismatch(dep.rdd(), partitions);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }
}
