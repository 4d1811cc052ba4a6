package io.sparkps.spark;

import io.sparkps.core.config.TlsConfig;
import io.sparkps.core.config.TlsIdentity;
import io.sparkps.core.security.SelfSignedCertificates;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;

/**
 * Where the data plane's TLS key material comes from, decided once on the driver.
 *
 * <ul>
 *   <li>{@link Mode#KEY_STORE}: the user's Spark SSL key store ({@code spark.ssl.rpc.keyStore}, else
 *       {@code spark.ssl.keyStore}, at the same path on every node, as Spark's own TLS expects). The
 *       scheduler and every server load it themselves; clients trust the certificates of the trust
 *       store when one is set, else they pin the key store's own certificate.
 *   <li>{@link Mode#SELF_SIGNED}: no key store is set, so the driver creates a per-application EC
 *       P-256 key pair and self-signed certificate and hands both to the executors (plugin init map,
 *       or the launch job's closure: Strings only, see {@link PluginMessages}); every client pins
 *       exactly that certificate. The private key crosses Spark's RPC, which is encrypted only with
 *       {@code spark.network.crypto.enabled} or {@code spark.ssl.rpc.enabled}.
 *   <li>{@link Mode#OFF}: no TLS.
 * </ul>
 *
 * Immutable and thread-safe.
 */
final class SparkTls {

  /** How long the per-application certificate is valid: it dies with the application anyway. */
  static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(3650);
  /** Tolerated clock skew between the driver and executors checking the certificate's start. */
  static final Duration CLOCK_SKEW = Duration.ofHours(1);

  enum Mode { OFF, KEY_STORE, SELF_SIGNED }

  final Mode mode;
  /** The scheduler's and servers' settings: identity and trusted certificates; null when off. */
  final TlsConfig tls;
  /** What executors need to rebuild {@link #tls}: see {@link #toStrings()}. */
  private final String shippedKey;
  private final String shippedCertificate;

  private SparkTls(Mode mode, TlsConfig tls, String shippedKey, String shippedCertificate) {
    this.mode = mode;
    this.tls = tls;
    this.shippedKey = shippedKey;
    this.shippedCertificate = shippedCertificate;
  }

  /**
   * The driver's decision: off, the user's key store, or a fresh self-signed certificate named
   * after {@code deploymentId}.
   */
  static SparkTls forDriver(SparkConf conf, String deploymentId) throws IOException, GeneralSecurityException {
    if (!PsSparkConf.encryptionEnabled(conf)) {
      return new SparkTls(Mode.OFF, null, "", "");
    }
    if (ssl(conf, "keyStore") != null) {
      return new SparkTls(Mode.KEY_STORE, fromKeyStore(conf), "", "");
    }
    // Wall time: the certificate's validity is checked against the clients' wall clocks.
    TlsIdentity identity = SelfSignedCertificates.create("spark-ps " + deploymentId,
        Clock.systemUTC().instant().minus(CLOCK_SKEW), SELF_SIGNED_VALIDITY);
    return new SparkTls(Mode.SELF_SIGNED, TlsConfig.builder().identity(identity).trust(identity.certificate()).build(),
        Base64.getEncoder().encodeToString(identity.privateKey().getEncoded()),
        Base64.getEncoder().encodeToString(identity.certificate().getEncoded()));
  }

  /** The driver's decision as three Strings for the executors: mode, PKCS#8 key, DER certificate (Base64). */
  String[] toStrings() {
    return new String[] {mode.name(), shippedKey, shippedCertificate};
  }

  /**
   * An executor's TLS settings from the driver's {@link #toStrings()}; null when TLS is off.
   *
   * @throws IllegalArgumentException the strings are not the driver's (different spark-ps versions)
   */
  static TlsConfig forExecutor(SparkConf conf, String mode, String key, String certificate)
      throws IOException, GeneralSecurityException {
    Mode m;
    try {
      m = Mode.valueOf(mode == null ? "" : mode);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("spark-ps: unknown TLS mode from the driver: " + mode
          + " (driver and executors must run the same spark-ps jar)", e);
    }
    switch (m) {
      case KEY_STORE:
        return fromKeyStore(conf);
      case SELF_SIGNED:
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(certificate)));
        PrivateKey privateKey = KeyFactory.getInstance(cert.getPublicKey().getAlgorithm())
            .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(key)));
        return TlsConfig.builder().identity(TlsIdentity.of(privateKey, List.of(cert))).trust(cert).build();
      default:
        return null;
    }
  }

  /**
   * The user's key store and trust store (Spark's {@code spark.ssl.*} names; {@code spark.ssl.rpc.*}
   * overrides each): the identity, and the certificates clients trust.
   */
  static TlsConfig fromKeyStore(SparkConf conf) throws IOException, GeneralSecurityException {
    String storePassword = ssl(conf, "keyStorePassword");
    String keyPassword = ssl(conf, "keyPassword");
    KeyStore keyStore = load(conf, "keyStore", "keyStoreType", storePassword);
    char[] keyChars = (keyPassword != null ? keyPassword : storePassword == null ? "" : storePassword).toCharArray();
    TlsIdentity identity;
    try {
      identity = TlsIdentity.fromKeyStore(keyStore, keyChars);
    } catch (GeneralSecurityException e) {
      throw new GeneralSecurityException("spark-ps cannot read the private key of " + ssl(conf, "keyStore")
          + ": " + e.getMessage() + " (set spark.ssl.keyPassword, or spark.ssl.keyStorePassword when both are"
          + " the same)", e);
    }
    TlsConfig.Builder b = TlsConfig.builder().identity(identity);
    if (ssl(conf, "trustStore") == null) {
      b.trust(identity.certificate());  // pinned: every node serves with this same key store
    } else {
      b.trust(certificates(load(conf, "trustStore", "trustStoreType", ssl(conf, "trustStorePassword"))));
    }
    return b.build();
  }

  /** {@code spark.ssl.rpc.<name>}, else {@code spark.ssl.<name>}, else null. */
  static String ssl(SparkConf conf, String name) {
    for (String key : List.of(PsSparkConf.SSL_RPC_PREFIX + name, PsSparkConf.SSL_PREFIX + name)) {
      if (conf.contains(key) && !conf.get(key).isBlank()) {
        return conf.get(key).trim();
      }
    }
    return null;
  }

  private static KeyStore load(SparkConf conf, String pathName, String typeName, String password)
      throws IOException, GeneralSecurityException {
    String path = ssl(conf, pathName);
    String type = ssl(conf, typeName);
    KeyStore store = KeyStore.getInstance(type == null ? KeyStore.getDefaultType() : type.toUpperCase(Locale.ROOT));
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      store.load(in, password == null ? null : password.toCharArray());
    } catch (IOException e) {
      throw new IOException("spark-ps cannot read " + PsSparkConf.SSL_PREFIX + pathName + "=" + path + " (type "
          + store.getType() + "): " + e.getMessage() + " (check the path on this node and spark.ssl."
          + pathName + "Password)", e);
    }
    return store;
  }

  /** Every certificate in a trust store: trusted entries and the certificates of key entries. */
  private static List<X509Certificate> certificates(KeyStore store) throws GeneralSecurityException {
    List<X509Certificate> certs = new ArrayList<>();
    for (String alias : Collections.list(store.aliases())) {
      Certificate c = store.getCertificate(alias);
      if (c instanceof X509Certificate x) {
        certs.add(x);
      }
    }
    if (certs.isEmpty()) {
      throw new GeneralSecurityException("spark-ps: the trust store holds no X.509 certificate: "
          + "aliases=" + Collections.list(store.aliases()));
    }
    return certs;
  }
}
