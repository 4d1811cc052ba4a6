package io.sparkps.core.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.client.DenseTable;
import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.config.TlsConfig;
import io.sparkps.core.config.TlsIdentity;
import io.sparkps.core.testing.TlsTesting;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A scheduler, two servers and a client with TLS and authentication on: every connection (client to
 * scheduler, client to servers, servers to scheduler, scheduler to servers) is encrypted, and tables
 * behave as without TLS. The client holds only the pinned certificate, never the private key.
 */
class EncryptedClusterTest {

  private static final byte[] SECRET = "encrypted-cluster-secret-0123".getBytes(StandardCharsets.UTF_8);
  private static TestCluster cluster;
  private static PsClient client;

  @BeforeAll
  static void start() throws Exception {
    TlsIdentity identity = TlsTesting.identity("spark-ps encrypted cluster");
    TlsConfig serverTls = TlsTesting.serverTls(identity);
    PsConfig servers = PsConfig.builder().shardThreads(2).ioThreads(2).secret(SECRET).tls(serverTls).build();
    cluster = new TestCluster(2, servers, Ticker.systemTicker());
    PsConfig clientConfig = PsConfig.builder().ioThreads(2).secret(SECRET).tls(TlsTesting.clientTls(identity)).build();
    assertNull(clientConfig.tls().identity());
    client = cluster.client(clientConfig);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void sparseTablePushesAndPullsOverTls() {
    int dim = 4;
    SparseTable t = client.createSparseTable(TableSpec.sparse("tls-sparse", dim));
    long[] keys = new long[10_000];
    float[] values = new float[keys.length * dim];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = 7L * i;
      for (int j = 0; j < dim; j++) {
        values[i * dim + j] = i + 0.25f * j;
      }
    }
    t.push(keys, values);
    t.push(keys, values);
    float[] doubled = values.clone();
    for (int i = 0; i < doubled.length; i++) {
      doubled[i] *= 2;
    }
    assertArrayEquals(doubled, t.pull(keys), 1e-3f);
  }

  @Test
  void denseTableOfFourMebibytesRoundTrips() {
    int rows = 1 << 18;
    int dim = 4;  // 1 Mi floats: 4 MiB
    DenseTable t = client.createDenseTable(TableSpec.dense("tls-dense", rows, dim));
    long[] keys = new long[rows];
    float[] values = new float[rows * dim];
    for (int i = 0; i < rows; i++) {
      keys[i] = i;
      for (int j = 0; j < dim; j++) {
        values[i * dim + j] = (i % 1000) * 0.5f + j;
      }
    }
    t.push(keys, values);
    float[] pulled = t.pullRange(0, rows);
    assertArrayEquals(values, pulled, 1e-3f);
    assertTrue(cluster.config.encryptionEnabled());
  }
}
