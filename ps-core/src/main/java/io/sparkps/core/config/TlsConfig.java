package io.sparkps.core.config;

import static io.sparkps.core.check.Checks.requireArgument;
import static io.sparkps.core.check.Checks.requireState;

import java.io.ByteArrayInputStream;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * TLS on the data plane ({@link PsConfig.Builder#tls}): the certificates a connecting side
 * trusts (the pinned per-application certificate, or the user's trust store) and, on servers and
 * the scheduler only, the {@link TlsIdentity} they present. Every side of a deployment must agree:
 * a TLS client refuses a plaintext server and the other way round.
 *
 * <p>Serialising keeps only the trusted certificates (public): the identity, with its private key,
 * is dropped, so a config shipped inside a Spark closure carries what a client needs and no more.
 * {@link #equals} therefore compares the trusted certificates only. Built with {@link #builder()};
 * immutable and thread-safe.
 */
public final class TlsConfig implements Serializable {

  private static final long serialVersionUID = 1L;

  private final List<X509Certificate> trusted;
  private final TlsIdentity identity;

  private TlsConfig(List<X509Certificate> trusted, TlsIdentity identity) {
    this.trusted = trusted;
    this.identity = identity;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The certificates a client accepts from a server: trust anchors, the server's chain must end in
   * one of them (with a self-signed certificate, exactly that certificate). Unmodifiable.
   */
  public List<X509Certificate> trustedCertificates() {
    return trusted;
  }

  /** What a server presents, or null on a client-only config (always null after deserialisation). */
  public TlsIdentity identity() {
    return identity;
  }

  /** This config without the identity: what clients need. */
  public TlsConfig forClients() {
    return identity == null ? this : new TlsConfig(trusted, null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsConfig c && trusted.equals(c.trusted);
  }

  @Override
  public int hashCode() {
    return trusted.hashCode();
  }

  @Override
  public String toString() {
    List<String> subjects = new ArrayList<>();
    for (X509Certificate c : trusted) {
      subjects.add(c.getSubjectX500Principal().getName());
    }
    return "TlsConfig{trusted=" + subjects + ", identity=" + (identity != null) + "}";
  }

  /** Serialisation proxy: the DER bytes of the trusted certificates, never the identity. */
  private Object writeReplace() {
    return new SerializedForm(trusted);
  }

  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("TlsConfig is serialised through its proxy");
  }

  private static final class SerializedForm implements Serializable {
    private static final long serialVersionUID = 1L;
    private final byte[][] certificates;

    SerializedForm(List<X509Certificate> trusted) {
      certificates = new byte[trusted.size()][];
      for (int i = 0; i < certificates.length; i++) {
        try {
          certificates[i] = trusted.get(i).getEncoded();
        } catch (CertificateEncodingException e) {
          throw new IllegalStateException("trusted certificate cannot be encoded: "
              + trusted.get(i).getSubjectX500Principal(), e);
        }
      }
    }

    private Object readResolve() throws InvalidObjectException {
      try {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        Builder b = builder();
        for (byte[] der : certificates) {
          b.trust((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
        }
        return b.build();
      } catch (CertificateException | RuntimeException e) {
        InvalidObjectException bad = new InvalidObjectException("bad TlsConfig: " + e.getMessage());
        bad.initCause(e);
        throw bad;
      }
    }
  }

  /** Validating builder: trust at least one certificate; the identity may be set once. Not thread-safe. */
  public static final class Builder {
    private final List<X509Certificate> trusted = new ArrayList<>();
    private TlsIdentity identity;

    private Builder() {}

    /** Adds trust anchors (duplicates are kept once). */
    public Builder trust(X509Certificate... certificates) {
      requireArgument(certificates != null, "certificates must not be null");
      return trust(Arrays.asList(certificates));
    }

    /** Adds trust anchors (duplicates are kept once). */
    public Builder trust(List<X509Certificate> certificates) {
      requireArgument(certificates != null && certificates.stream().noneMatch(Objects::isNull),
          "trusted certificates must not be null: certificates=%s", certificates);
      for (X509Certificate c : certificates) {
        if (!trusted.contains(c)) {
          trusted.add(c);
        }
      }
      return this;
    }

    /** The key and certificate this side presents when it accepts connections (servers, scheduler). */
    public Builder identity(TlsIdentity identity) {
      requireState(this.identity == null, "identity was already set to %s", this.identity);
      this.identity = Objects.requireNonNull(identity, "identity");
      return this;
    }

    public TlsConfig build() {
      requireArgument(!trusted.isEmpty(),
          "TLS needs at least one trusted certificate (the pinned server certificate or a trust store)");
      return new TlsConfig(Collections.unmodifiableList(new ArrayList<>(trusted)), identity);
    }
  }
}
