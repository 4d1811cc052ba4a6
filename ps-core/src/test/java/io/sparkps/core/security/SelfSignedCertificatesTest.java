package io.sparkps.core.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.TlsIdentity;
import java.io.ByteArrayInputStream;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DER writer's certificates parse, verify, say what they should, and work in a key store. */
class SelfSignedCertificatesTest {

  private static final Instant START = Instant.parse("2026-12-06T08:00:00Z");

  @Test
  void certificateParsesAndVerifies() throws Exception {
    TlsIdentity id = SelfSignedCertificates.create("spark-ps app-1", START, Duration.ofDays(30));
    X509Certificate cert = id.certificate();
    assertEquals(3, cert.getVersion());
    assertEquals("CN=spark-ps app-1", cert.getSubjectX500Principal().getName());
    assertEquals(cert.getSubjectX500Principal(), cert.getIssuerX500Principal());
    assertEquals("SHA256withECDSA", cert.getSigAlgName());
    assertEquals("EC", cert.getPublicKey().getAlgorithm());
    assertEquals(Date.from(START), cert.getNotBefore());
    assertEquals(Date.from(START.plus(Duration.ofDays(30))), cert.getNotAfter());
    assertEquals(-1, cert.getBasicConstraints(), "not a CA");
    assertTrue(cert.getKeyUsage()[0], "digitalSignature");
    assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), cert.getExtendedKeyUsage());
    assertTrue(cert.getSerialNumber().signum() > 0);
    cert.verify(cert.getPublicKey());
    cert.checkValidity(Date.from(START.plus(Duration.ofDays(1))));
    assertThrows(CertificateExpiredException.class, () -> cert.checkValidity(Date.from(START.plus(Duration.ofDays(31)))));
    // Re-encoding gives back the same bytes: the DER was canonical.
    X509Certificate again = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(cert.getEncoded()));
    assertArrayEquals(cert.getEncoded(), again.getEncoded());

    // The key pair belongs together.
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(id.privateKey());
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    s.initVerify(cert.getPublicKey());
    s.update(new byte[] {1, 2, 3});
    assertTrue(s.verify(sig));
  }

  @Test
  void datesFrom2050UseGeneralizedTime() throws Exception {
    Instant late = Instant.parse("2049-06-01T00:00:00Z");
    X509Certificate cert = SelfSignedCertificates.create("late", late, Duration.ofDays(400)).certificate();
    assertEquals(Date.from(late), cert.getNotBefore());
    assertEquals(Date.from(late.plus(Duration.ofDays(400))), cert.getNotAfter());
  }

  @Test
  void storesInPkcs12AndLoadsBack() throws Exception {
    TlsIdentity id = SelfSignedCertificates.create("keystore", START, Duration.ofDays(1));
    char[] password = "changeit".toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("ps", id.privateKey(), password, id.chain().toArray(new X509Certificate[0]));
    TlsIdentity loaded = TlsIdentity.fromKeyStore(store, password);
    assertEquals(id.certificate(), loaded.certificate());
    assertArrayEquals(id.privateKey().getEncoded(), loaded.privateKey().getEncoded());
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> SelfSignedCertificates.create(" ", START, Duration.ofDays(1)));
    assertThrows(IllegalArgumentException.class, () -> SelfSignedCertificates.create("x", START, Duration.ZERO));
  }
}
