package io.sparkps.spark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A driver in the test JVM runs a job on a real standalone cluster (master + 2 worker JVMs): the
 * tasks run in two executor JVMs that are neither this JVM nor the daemons, they load spark-ps
 * classes, the test's own lambda and a plugin from the test classes, and closing the cluster leaves
 * no process behind.
 */
class StandaloneClusterSmokeTest {

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void jobRunsInTwoExecutorJvmsAndCloseStopsEverything() {
    long self = ProcessHandle.current().pid();
    List<Long> started = new ArrayList<>();
    Set<Long> executorPids;
    try (StandaloneCluster cluster = StandaloneCluster.builder().workers(2).name("smoke").start()) {
      started.add(cluster.masterPid());
      started.addAll(cluster.workerPids());
      assertTrue(cluster.masterUrl().startsWith("spark://127.0.0.1:"), cluster.masterUrl());
      assertEquals(2, new HashSet<>(cluster.workerPids()).size());

      try (JavaSparkContext sc = new JavaSparkContext(cluster.driverConf("standalone-smoke")
          .set("spark.plugins", ProbePlugin.class.getName()))) {
        List<Integer> data = IntStream.rangeClosed(1, 100).boxed().toList();
        // Each task reports its JVM, where that JVM loaded a ps-core class from, and whether the
        // executor side of a plugin (a test class, like the lambda) was initialized there.
        List<String> reports = sc.parallelize(data, 2)
            .map(x -> ProcessHandle.current().pid() + " " + Class.forName("io.sparkps.core.config.PsConfig")
                .getProtectionDomain().getCodeSource().getLocation() + " plugin=" + System.getProperty(ProbePlugin.PROPERTY))
            .distinct()
            .collect();
        executorPids = reports.stream().map(r -> Long.parseLong(r.split(" ")[0])).collect(Collectors.toSet());

        assertEquals(2, executorPids.size(), "tasks ran in " + reports);
        assertFalse(executorPids.contains(self), "a task ran in the test JVM: " + reports);
        for (Long pid : started) {
          assertFalse(executorPids.contains(pid), "a task ran in a daemon JVM: " + reports);
        }
        assertEquals(executorPids, new HashSet<>(cluster.executorPids()), "executors are the workers' children");
        for (String report : reports) {
          assertTrue(report.contains("ps-core"), "ps-core classes from the build: " + report);
          assertFalse(report.endsWith("plugin=null"), "executor plugin initialized: " + report);
        }
        started.addAll(executorPids);
      }
    }
    for (long pid : started) {
      assertFalse(StandaloneCluster.isAlive(pid), "still running after close: pid=" + pid);
    }
  }
}
