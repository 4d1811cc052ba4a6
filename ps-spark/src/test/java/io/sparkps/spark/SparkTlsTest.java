package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TlsConfig;
import io.sparkps.core.config.TlsIdentity;
import io.sparkps.core.security.SelfSignedCertificates;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** spark.ps.encryption and Spark's SSL settings mapped onto the data plane's TLS. */
class SparkTlsTest {

  @TempDir
  Path dir;

  private static SparkConf conf(String... pairs) {
    SparkConf c = new SparkConf(false);
    for (int i = 0; i < pairs.length; i += 2) {
      c.set(pairs[i], pairs[i + 1]);
    }
    return c;
  }

  @Test
  void encryptionPrecedence() {
    assertFalse(PsSparkConf.encryptionEnabled(conf()), "off by default");
    assertTrue(PsSparkConf.encryptionEnabled(conf("spark.ssl.enabled", "true")));
    assertTrue(PsSparkConf.encryptionEnabled(conf("spark.ssl.rpc.enabled", "true")));
    assertTrue(PsSparkConf.encryptionEnabled(conf("spark.network.crypto.enabled", "true")));
    assertFalse(PsSparkConf.encryptionEnabled(conf("spark.network.crypto.enabled", "false")));
    assertTrue(PsSparkConf.encryptionEnabled(conf("spark.ps.encryption", "on")));
    assertTrue(PsSparkConf.encryptionEnabled(conf("spark.ps.encryption", " ON ")));
    assertTrue(PsSparkConf.encryptionEnabled(conf("spark.ps.encryption", "auto", "spark.ssl.enabled", "true")));
    // off wins over every Spark setting.
    assertFalse(PsSparkConf.encryptionEnabled(conf("spark.ps.encryption", "off", "spark.ssl.enabled", "true",
        "spark.network.crypto.enabled", "true", "spark.ssl.rpc.enabled", "true")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PsSparkConf.encryptionEnabled(conf("spark.ps.encryption", "yes")));
    assertTrue(e.getMessage().contains("spark.ps.encryption=yes (auto, on, off)"), e.getMessage());
  }

  @Test
  void offMeansNoTls() throws Exception {
    SparkTls tls = SparkTls.forDriver(conf(), "ps-off");
    assertEquals(SparkTls.Mode.OFF, tls.mode);
    assertNull(tls.tls);
    String[] shipped = tls.toStrings();
    assertNull(SparkTls.forExecutor(conf(), shipped[0], shipped[1], shipped[2]));
    assertFalse(PsSparkConf.toPsConfig(conf(), "127.0.0.1", null, null).encryptionEnabled());
  }

  @Test
  void withoutKeyStoreTheDriverCreatesAndShipsASelfSignedCertificate() throws Exception {
    SparkTls driver = SparkTls.forDriver(conf("spark.ps.encryption", "on"), "ps-app-1");
    assertEquals(SparkTls.Mode.SELF_SIGNED, driver.mode);
    X509Certificate cert = driver.tls.identity().certificate();
    assertEquals("CN=spark-ps ps-app-1", cert.getSubjectX500Principal().getName());
    assertEquals(List.of(cert), driver.tls.trustedCertificates(), "clients pin exactly it");

    String[] shipped = driver.toStrings();
    TlsConfig executor = SparkTls.forExecutor(conf("spark.ps.encryption", "on"), shipped[0], shipped[1], shipped[2]);
    assertEquals(cert, executor.identity().certificate());
    assertArrayEquals(driver.tls.identity().privateKey().getEncoded(), executor.identity().privateKey().getEncoded());
    assertEquals(driver.tls, executor);

    PsConfig config = PsSparkConf.toPsConfig(conf(), "127.0.0.1", null, executor);
    assertTrue(config.encryptionEnabled());
    assertThrows(IllegalArgumentException.class, () -> SparkTls.forExecutor(conf(), "BOGUS", "", ""));
  }

  @Test
  void userKeyStoreIsLoadedAndPinned() throws Exception {
    TlsIdentity id = identity("user key");
    Path keyStore = store("keystore.p12", id, "store-pass", "key-pass");
    SparkConf c = conf("spark.ssl.enabled", "true", "spark.ssl.keyStore", keyStore.toString(),
        "spark.ssl.keyStorePassword", "store-pass", "spark.ssl.keyPassword", "key-pass",
        "spark.ssl.keyStoreType", "pkcs12");
    SparkTls driver = SparkTls.forDriver(c, "ps-ks");
    assertEquals(SparkTls.Mode.KEY_STORE, driver.mode);
    assertEquals(id.certificate(), driver.tls.identity().certificate());
    assertEquals(List.of(id.certificate()), driver.tls.trustedCertificates());
    String[] shipped = driver.toStrings();
    assertEquals("", shipped[1], "no private key is shipped: executors read the key store themselves");
    assertEquals(driver.tls, SparkTls.forExecutor(c, shipped[0], shipped[1], shipped[2]));
  }

  @Test
  void trustStoreAndRpcNamespace() throws Exception {
    TlsIdentity server = identity("rpc server");
    TlsIdentity anchor = identity("trust anchor");
    Path keyStore = store("rpc.p12", server, "pw", "pw");
    Path trustStore = dir.resolve("trust.p12");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("anchor", anchor.certificate());
    trust.setCertificateEntry("server", server.certificate());
    try (OutputStream out = Files.newOutputStream(trustStore)) {
      trust.store(out, "tpw".toCharArray());
    }
    // spark.ssl.rpc.* overrides spark.ssl.*; keyPassword falls back to keyStorePassword.
    SparkConf c = conf("spark.ps.encryption", "on", "spark.ssl.keyStore", "/does/not/exist",
        "spark.ssl.rpc.keyStore", keyStore.toString(), "spark.ssl.rpc.keyStorePassword", "pw",
        "spark.ssl.trustStore", trustStore.toString(), "spark.ssl.trustStorePassword", "tpw");
    TlsConfig tls = SparkTls.fromKeyStore(c);
    assertEquals(server.certificate(), tls.identity().certificate());
    assertEquals(2, tls.trustedCertificates().size());
    assertTrue(tls.trustedCertificates().contains(anchor.certificate()));
  }

  @Test
  void wrongPasswordSaysWhatToCheck() throws Exception {
    Path keyStore = store("wrong.p12", identity("wrong"), "right", "right");
    SparkConf c = conf("spark.ps.encryption", "on", "spark.ssl.keyStore", keyStore.toString(),
        "spark.ssl.keyStorePassword", "wrong");
    IOException e = assertThrows(IOException.class, () -> SparkTls.forDriver(c, "ps-wrong"));
    assertTrue(e.getMessage().contains("spark.ssl.keyStore=" + keyStore), e.getMessage());
    assertTrue(e.getMessage().contains("spark.ssl.keyStorePassword"), e.getMessage());
  }

  private static TlsIdentity identity(String name) throws Exception {
    return SelfSignedCertificates.create(name, Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(1));
  }

  private Path store(String name, TlsIdentity id, String storePassword, String keyPassword) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("ps", id.privateKey(), keyPassword.toCharArray(), id.chain().toArray(new X509Certificate[0]));
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      ks.store(out, storePassword.toCharArray());
    }
    return file;
  }
}
