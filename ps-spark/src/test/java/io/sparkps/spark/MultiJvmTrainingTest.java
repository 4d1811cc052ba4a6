package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.ml.SparseExample;
import io.sparkps.ml.classification.LrSettings;
import io.sparkps.ml.classification.SparseLogisticRegression;
import io.sparkps.ml.evaluation.Metrics;
import io.sparkps.spark.testing.CountedLr;
import io.sparkps.spark.testing.StandaloneCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The plugin on a real standalone cluster (master + 2 worker JVMs): servers start inside the two
 * executor JVMs (not the driver), gated training over them converges, and stopping the
 * application releases the scheduler's port and leaves no process behind. The data plane runs
 * with TLS ({@code spark.ps.encryption=on}): the driver's self-signed certificate reaches the
 * executors through the plugin, and the handles' config carries the certificate only. An
 * application whose executors lack the spark-ps jar gets an error naming the fix. The applications
 * share one cluster (starting one costs seconds of the suite's budget).
 */
class MultiJvmTrainingTest {

  private static StandaloneCluster cluster;
  /** Every JVM the cluster and its applications started: none may outlive the cluster. */
  private static final List<Long> processes = new ArrayList<>();

  @BeforeAll
  static void startCluster() {
    cluster = StandaloneCluster.builder().workers(2).name("multi-jvm").start();
    processes.add(cluster.masterPid());
    processes.addAll(cluster.workerPids());
    assertEquals(2, new HashSet<>(cluster.workerPids()).size(), "two worker JVMs");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    for (long pid : processes) {
      assertFalse(StandaloneCluster.isAlive(pid), "process " + pid + " outlived the cluster");
    }
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void serversRunInExecutorsAndTrainingConverges() throws Exception {
    long self = ProcessHandle.current().pid();
    int schedulerPort;
    {
      SparkSession spark = SparkSession.builder()
          .config(cluster.driverConf("spark-ps-multi-jvm").set("spark.plugins", PsPlugin.class.getName())
              .set(PsSparkConf.ENCRYPTION, "on"))
          .getOrCreate();
      try {
        PsContext ps = PsContext.getOrCreate(spark);
        schedulerPort = ps.endpoint().schedulerPort();
        List<ServerInfo> servers = ps.routing().servers();
        assertEquals(2, servers.stream().filter(ServerInfo::alive).count(), "one server per executor: " + servers);
        assertFalse(ExecutorServers.runningHere(), "no server in the driver JVM");
        PsEndpoint endpoint = ps.endpoint();
        assertTrue(endpoint.config().encryptionEnabled(), "spark.ps.encryption=on");
        // What a task closure carries: the pinned certificate, never the private key.
        assertEquals(List.of("tls=true identity=false"), ps.sparkContext().parallelize(List.of(1, 2), 2)
            .map(x -> "tls=" + endpoint.config().encryptionEnabled() + " identity="
                + (endpoint.config().tls().identity() != null)).distinct().collect());
        // Each task reports its JVM, whether a server runs there, and where ps-core was loaded from.
        List<String> reports = ps.sparkContext().parallelize(List.of(1, 2, 3, 4), 2)
            .map(x -> ProcessHandle.current().pid() + " " + ExecutorServers.runningHere() + " "
                + Class.forName("io.sparkps.core.config.PsConfig").getProtectionDomain().getCodeSource().getLocation())
            .distinct().collect();
        Set<Long> executorPids = reports.stream().map(r -> {
          String[] parts = r.split(" ");
          assertEquals("true", parts[1], "every executor hosts a server: " + r);
          assertTrue(parts[2].contains("ps-core"), "ps-core classes from the build: " + r);
          return Long.parseLong(parts[0]);
        }).collect(Collectors.toSet());
        assertEquals(2, executorPids.size(), "tasks ran in " + reports);
        assertFalse(executorPids.contains(self), "a task ran in the test JVM: " + reports);
        for (long daemon : processes) {
          assertFalse(executorPids.contains(daemon), "a task ran in a daemon JVM: " + reports);
        }
        // containsAll: the other application's executors may still be exiting.
        assertTrue(cluster.executorPids().containsAll(executorPids), "executors are the workers' children");
        processes.addAll(executorPids);

        JavaRDD<SparseExample> train = CountedLr.generate(ps.sparkContext(), 0, 40_000).cache();
        JavaRDD<SparseExample> heldOut = CountedLr.generate(ps.sparkContext(), 1, 5_000).cache();
        double[] bayes = bayes(heldOut);
        double constant = CountedLr.constantLogLoss(heldOut.collect());
        SparseLogisticRegression.Result result = SparseLogisticRegression.train(ps, "multi-jvm-lr", train, heldOut,
            new LrSettings(3, 512, UpdaterSpec.adagrad(0.1), 0, Consistency.ssp(1)), r -> { });
        double loss = result.epochs().get(2).evalLogLoss();
        assertTrue(loss < constant - 0.1, "learns: " + loss + " vs constant " + constant);
        assertTrue(loss < bayes[0] + 0.08, "close to the true model: " + loss + " vs Bayes " + bayes[0]);
      } finally {
        spark.stop();
      }
      try (ServerSocket reuse = new ServerSocket(schedulerPort, 1, InetAddress.getLoopbackAddress())) {
        assertEquals(schedulerPort, reuse.getLocalPort(), "the scheduler's port was released");
      }
    }
  }

  /** Executors without the spark-ps jar: the error says to ship it with --jars. */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void getOrCreateWithoutTheJarOnExecutorsNamesTheJarAndTheFix() {
    SparkSession spark = SparkSession.builder()
        .config(cluster.driverConf("spark-ps-no-jar").set("spark.executor.extraClassPath", ""))
        .getOrCreate();
    try {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> PsContext.getOrCreate(spark));
      assertTrue(e.getMessage().contains("cannot load spark-ps classes") && e.getMessage().contains("--jars"),
          e.getMessage());
      processes.addAll(cluster.executorPids());
    } finally {
      spark.stop();
    }
  }

  private static double[] bayes(JavaRDD<SparseExample> data) {
    List<double[]> py = data.map(e -> new double[] {CountedLr.prob(e.indices()), e.label()}).collect();
    double[] p = py.stream().mapToDouble(a -> a[0]).toArray();
    double[] y = py.stream().mapToDouble(a -> a[1]).toArray();
    return new double[] {Metrics.logLoss(p, y), Metrics.auc(p, y)};
  }
}
