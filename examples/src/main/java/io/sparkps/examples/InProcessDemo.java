package io.sparkps.examples;

import io.sparkps.core.client.DenseTable;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.scheduler.PsScheduler;
import io.sparkps.core.server.PsServer;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.update.UpdaterSpec;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The smallest complete deployment: a scheduler and two servers in this JVM on loopback, a client
 * that creates a dense and a sparse table, pushes and pulls, and prints what it sees. Runs with
 * {@code scripts/run-example demo}.
 */
public final class InProcessDemo {

  private InProcessDemo() {}

  public static void main(String[] args) throws Exception {
    PsConfig config = PsConfig.defaults();
    try (PsScheduler scheduler = PsScheduler.start(config);
        PsServer s1 = PsServer.start(config, 0, scheduler.host(), scheduler.port());
        PsServer s2 = PsServer.start(config, 0, scheduler.host(), scheduler.port());
        PsClient client = PsClient.connect(config, scheduler.host(), scheduler.port())) {
      scheduler.awaitServers(2).get(30, TimeUnit.SECONDS);
      System.out.printf("scheduler %s:%d, servers %d (%s:%d) and %d (%s:%d)%n", scheduler.host(),
          scheduler.port(), s1.serverId(), s1.host(), s1.port(), s2.serverId(), s2.host(), s2.port());

      // A dense vector of 10 floats spread over both servers; pushes add.
      DenseTable v = client.createDenseTable(TableSpec.dense("demo.vector", 10, 1));
      v.push(new long[] {0, 3, 9}, new float[] {1.5f, 2f, -1f});
      v.push(new long[] {3}, new float[] {0.5f});
      System.out.println("dense  pullRange(0, 10)   = " + Arrays.toString(v.pullRange(0, 10)));

      // A sparse embedding table: rows of 4 floats start from a seeded normal, AdaGrad on the server.
      SparseTable emb = client.createSparseTable(TableSpec.sparse("demo.embeddings", 4)
          .withInitializer(InitializerSpec.normal(0, 0.01, 42))
          .withUpdater(UpdaterSpec.adagrad(0.1)));
      long[] keys = {-7, 12, 1L << 40};
      float[] before = emb.pull(keys);
      float[] grad = new float[keys.length * 4];
      Arrays.fill(grad, 1f);
      float[] after = emb.pushPull(keys, grad);
      System.out.println("sparse rows before push   = " + Arrays.toString(before));
      System.out.println("sparse rows after adagrad = " + Arrays.toString(after));
      System.out.println("sparse size = " + emb.size() + ", contains(12, 13) = "
          + Arrays.toString(emb.contains(new long[] {12, 13})));
      System.out.println("routing version " + client.routing().version() + ": "
          + client.routing().tables());
    }
  }
}
