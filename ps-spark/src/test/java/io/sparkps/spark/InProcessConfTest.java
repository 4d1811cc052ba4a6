package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** {@code spark.ps.inProcess}: on in local mode unless turned off, off on clusters unless turned on. */
class InProcessConfTest {

  private static SparkConf conf(String master, String mode) {
    SparkConf c = new SparkConf(false).set("spark.master", master);
    return mode == null ? c : c.set(PsSparkConf.IN_PROCESS, mode);
  }

  @Test
  void autoFollowsTheMaster() {
    for (String local : new String[] {"local", "local[2]", "local[*]", "local[4, 3]"}) {
      assertTrue(PsSparkConf.inProcessEnabled(conf(local, null)), local);
      assertTrue(PsSparkConf.toPsConfig(conf(local, null), "127.0.0.1", null, null).inProcessConnections(), local);
    }
    for (String cluster : new String[] {"spark://host:7077", "local-cluster[2,1,1024]", "yarn", "k8s://h:443"}) {
      assertFalse(PsSparkConf.inProcessEnabled(conf(cluster, null)), cluster);
      assertFalse(PsSparkConf.toPsConfig(conf(cluster, null), "127.0.0.1", null, null).inProcessConnections(), cluster);
    }
  }

  @Test
  void onAndOffDecide() {
    assertFalse(PsSparkConf.inProcessEnabled(conf("local[2]", "off")));
    assertTrue(PsSparkConf.inProcessEnabled(conf("spark://host:7077", "ON ")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PsSparkConf.inProcessEnabled(conf("local[2]", "yes")));
    assertTrue(e.getMessage().contains("spark.ps.inProcess=yes (auto, on, off)"), e.getMessage());
  }
}
