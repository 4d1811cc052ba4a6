package io.sparkps.core.config;

import static io.sparkps.core.check.Checks.requireArgument;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What a TLS server presents: its private key and certificate chain (leaf first). Held by the
 * servers and the scheduler only; deliberately not {@link java.io.Serializable}, and
 * {@link TlsConfig} leaves it out when it is serialised, so a private key never travels inside a
 * Spark closure. {@link #toString()} never shows the key. Immutable and thread-safe.
 */
public final class TlsIdentity {

  private final PrivateKey privateKey;
  private final List<X509Certificate> chain;

  private TlsIdentity(PrivateKey privateKey, List<X509Certificate> chain) {
    this.privateKey = privateKey;
    this.chain = chain;
  }

  /** A key and its certificate chain, leaf first; the leaf's key algorithm must match the key's. */
  public static TlsIdentity of(PrivateKey privateKey, List<X509Certificate> chain) {
    Objects.requireNonNull(privateKey, "privateKey");
    requireArgument(chain != null && !chain.isEmpty() && chain.stream().noneMatch(Objects::isNull),
        "certificate chain must hold at least one certificate and no null: chain=%s", chain);
    String certAlgorithm = chain.get(0).getPublicKey().getAlgorithm();
    requireArgument(certAlgorithm.equals(privateKey.getAlgorithm()),
        "private key and certificate do not match: key algorithm=%s, certificate key algorithm=%s",
        privateKey.getAlgorithm(), certAlgorithm);
    return new TlsIdentity(privateKey, Collections.unmodifiableList(new ArrayList<>(chain)));
  }

  /**
   * The first private-key entry of {@code keyStore} (the key store Spark's {@code spark.ssl.keyStore}
   * names), unlocked with {@code keyPassword}.
   *
   * @throws GeneralSecurityException the key cannot be read (wrong password, unsupported type)
   * @throws IllegalArgumentException the key store holds no private key with a certificate chain
   */
  public static TlsIdentity fromKeyStore(KeyStore keyStore, char[] keyPassword)
      throws GeneralSecurityException {
    Objects.requireNonNull(keyStore, "keyStore");
    for (String alias : Collections.list(keyStore.aliases())) {
      if (!keyStore.isKeyEntry(alias)) {
        continue;
      }
      Key key = keyStore.getKey(alias, keyPassword);
      Certificate[] certs = keyStore.getCertificateChain(alias);
      if (key instanceof PrivateKey privateKey && certs != null && certs.length > 0) {
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : certs) {
          requireArgument(c instanceof X509Certificate,
              "key store entry has a non-X.509 certificate: alias=%s, type=%s", alias, c.getType());
          chain.add((X509Certificate) c);
        }
        return of(privateKey, chain);
      }
    }
    throw new IllegalArgumentException("key store holds no private key with a certificate chain:"
        + " type=" + keyStore.getType() + ", aliases=" + Collections.list(keyStore.aliases()));
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The certificate chain, leaf first (unmodifiable). */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The certificate clients pin or check: the chain's leaf. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  @Override
  public String toString() {
    return "TlsIdentity{subject=" + certificate().getSubjectX500Principal().getName()
        + ", key=" + privateKey.getAlgorithm() + " (hidden)}";
  }
}
