package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The plugin on a real standalone cluster (master + 2 worker JVMs): servers start inside the two
 * executor JVMs (not the driver), gated training over them converges, and stopping the
 * application releases the scheduler's port and leaves no process behind. The data plane runs
 * with TLS ({@code spark.ps.encryption=on}): the driver's self-signed certificate reaches the
 * executors through the plugin, and the handles' config carries the certificate only.
 */
class MultiJvmTrainingTest {

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void serversRunInExecutorsAndTrainingConverges() throws Exception {
    long self = ProcessHandle.current().pid();
    int schedulerPort;
    List<Long> processes = new ArrayList<>();
    try (StandaloneCluster cluster = StandaloneCluster.builder().workers(2).name("multi-jvm").start()) {
      processes.add(cluster.masterPid());
      processes.addAll(cluster.workerPids());
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
        Set<Long> executorPids = new HashSet<>(ps.sparkContext().parallelize(List.of(1, 2, 3, 4), 2)
            .map(x -> ProcessHandle.current().pid() + ":" + ExecutorServers.runningHere()).collect())
            .stream().map(s -> {
              assertTrue(s.endsWith(":true"), "every executor hosts a server: " + s);
              return Long.parseLong(s.split(":")[0]);
            }).collect(Collectors.toSet());
        assertEquals(2, executorPids.size());
        assertFalse(executorPids.contains(self));
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
    for (long pid : processes) {
      assertFalse(StandaloneCluster.isAlive(pid), "process " + pid + " outlived the cluster");
    }
  }

  private static double[] bayes(JavaRDD<SparseExample> data) {
    List<double[]> py = data.map(e -> new double[] {CountedLr.prob(e.indices()), e.label()}).collect();
    double[] p = py.stream().mapToDouble(a -> a[0]).toArray();
    double[] y = py.stream().mapToDouble(a -> a[1]).toArray();
    return new double[] {Metrics.logLoss(p, y), Metrics.auc(p, y)};
  }
}
