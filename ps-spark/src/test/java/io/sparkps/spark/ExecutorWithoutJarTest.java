package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.spark.testing.StandaloneCluster;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Executors without the spark-ps jar: the error says to ship it with --jars. */
class ExecutorWithoutJarTest {

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void getOrCreateNamesTheMissingJarAndTheFix() {
    try (StandaloneCluster cluster = StandaloneCluster.builder().workers(1).name("no-jar").start()) {
      SparkSession spark = SparkSession.builder()
          .config(cluster.driverConf("spark-ps-no-jar").set("spark.executor.extraClassPath", ""))
          .getOrCreate();
      try {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PsContext.getOrCreate(spark));
        assertTrue(e.getMessage().contains("cannot load spark-ps classes") && e.getMessage().contains("--jars"),
            e.getMessage());
      } finally {
        spark.stop();
      }
    }
  }
}
