package io.sparkps.core.security;

import static io.sparkps.core.check.Checks.requireArgument;

import io.sparkps.core.config.TlsIdentity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;

/**
 * Creates an EC P-256 key pair and a self-signed X.509 v3 certificate for it, signed with
 * SHA256withECDSA. The JDK has no public API that builds certificates, so the to-be-signed part is
 * written here as DER (RFC 5280, section 4.1) and the result is parsed back with the JDK's
 * {@link CertificateFactory}, which checks the encoding; the signature is then verified.
 *
 * <p>The certificate is meant to be pinned: clients trust exactly it, so it names no host
 * (subject and issuer are {@code CN=<commonName>}) and carries basic constraints (not a CA), key
 * usage digitalSignature and extended key usage serverAuth and clientAuth. Stateless.
 */
public final class SelfSignedCertificates {

  private static final int[] ECDSA_WITH_SHA256 = {1, 2, 840, 10045, 4, 3, 2};
  private static final int[] COMMON_NAME = {2, 5, 4, 3};
  private static final int[] BASIC_CONSTRAINTS = {2, 5, 29, 19};
  private static final int[] KEY_USAGE = {2, 5, 29, 15};
  private static final int[] EXTENDED_KEY_USAGE = {2, 5, 29, 37};
  private static final int[] SERVER_AUTH = {1, 3, 6, 1, 5, 5, 7, 3, 1};
  private static final int[] CLIENT_AUTH = {1, 3, 6, 1, 5, 5, 7, 3, 2};

  private static final int SEQUENCE = 0x30;
  private static final int SET = 0x31;
  private static final int INTEGER = 0x02;
  private static final int BIT_STRING = 0x03;
  private static final int OCTET_STRING = 0x04;
  private static final int OID = 0x06;
  private static final int BOOLEAN = 0x01;
  private static final int UTF8_STRING = 0x0C;
  private static final int UTC_TIME = 0x17;
  private static final int GENERALIZED_TIME = 0x18;
  private static final int EXPLICIT_0 = 0xA0;
  private static final int EXPLICIT_3 = 0xA3;

  private static final DateTimeFormatter UTC_TIME_FORMAT = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
  private static final DateTimeFormatter GENERALIZED_TIME_FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

  private SelfSignedCertificates() {}

  /**
   * A fresh key pair and its self-signed certificate, valid from {@code notBefore} for
   * {@code validity}.
   *
   * @param commonName the subject's (and issuer's) CN, e.g. {@code spark-ps <application>}
   * @throws GeneralSecurityException the JDK lacks EC P-256 or SHA256withECDSA, or rejects the result
   */
  public static TlsIdentity create(String commonName, Instant notBefore, Duration validity)
      throws GeneralSecurityException {
    requireArgument(commonName != null && !commonName.isBlank() && commonName.length() <= 64,
        "commonName must have 1 to 64 characters: commonName=%s", commonName);
    Objects.requireNonNull(notBefore, "notBefore");
    requireArgument(validity != null && !validity.isNegative() && !validity.isZero(),
        "validity must be positive: validity=%s", validity);
    SecureRandom random = new SecureRandom();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), random);
    KeyPair pair = generator.generateKeyPair();

    byte[] serial = new byte[16];
    random.nextBytes(serial);
    byte[] algorithm = tlv(SEQUENCE, oid(ECDSA_WITH_SHA256));
    byte[] name = tlv(SEQUENCE, tlv(SET, tlv(SEQUENCE, oid(COMMON_NAME),
        tlv(UTF8_STRING, commonName.getBytes(StandardCharsets.UTF_8)))));
    byte[] extensions = tlv(EXPLICIT_3, tlv(SEQUENCE,
        extension(BASIC_CONSTRAINTS, true, tlv(SEQUENCE)),
        // digitalSignature is bit 0: one byte with 7 unused bits.
        extension(KEY_USAGE, true, tlv(BIT_STRING, new byte[] {0x07, (byte) 0x80})),
        extension(EXTENDED_KEY_USAGE, false, tlv(SEQUENCE, oid(SERVER_AUTH), oid(CLIENT_AUTH)))));
    byte[] tbs = tlv(SEQUENCE,
        tlv(EXPLICIT_0, tlv(INTEGER, new byte[] {2})),  // version: v3
        tlv(INTEGER, new BigInteger(1, serial).toByteArray()),  // positive, minimal encoding
        algorithm,
        name,
        tlv(SEQUENCE, time(notBefore), time(notBefore.plus(validity))),
        name,
        pair.getPublic().getEncoded(),  // SubjectPublicKeyInfo, already DER
        extensions);

    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(pair.getPrivate(), random);
    signer.update(tbs);
    byte[] signature = signer.sign();  // DER ECDSA-Sig-Value, as X.509 wants it
    byte[] bits = new byte[signature.length + 1];  // leading byte: no unused bits
    System.arraycopy(signature, 0, bits, 1, signature.length);
    byte[] der = tlv(SEQUENCE, tbs, algorithm, tlv(BIT_STRING, bits));

    X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
    certificate.verify(pair.getPublic());
    return TlsIdentity.of(pair.getPrivate(), List.of(certificate));
  }

  private static byte[] extension(int[] id, boolean critical, byte[] value) {
    return critical
        ? tlv(SEQUENCE, oid(id), tlv(BOOLEAN, new byte[] {(byte) 0xFF}), tlv(OCTET_STRING, value))
        : tlv(SEQUENCE, oid(id), tlv(OCTET_STRING, value));
  }

  /** UTCTime for years 1950-2049, GeneralizedTime otherwise (RFC 5280, 4.1.2.5); whole seconds. */
  private static byte[] time(Instant t) {
    ZonedDateTime utc = t.atZone(ZoneOffset.UTC);
    boolean utcTime = utc.getYear() >= 1950 && utc.getYear() < 2050;
    String text = (utcTime ? UTC_TIME_FORMAT : GENERALIZED_TIME_FORMAT).format(utc);
    return tlv(utcTime ? UTC_TIME : GENERALIZED_TIME, text.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] oid(int[] arcs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(40 * arcs[0] + arcs[1]);
    for (int i = 2; i < arcs.length; i++) {
      int arc = arcs[i];
      int shift = 28;
      while (shift > 0 && (arc >>> shift) == 0) {
        shift -= 7;
      }
      for (; shift > 0; shift -= 7) {
        out.write(0x80 | ((arc >>> shift) & 0x7F));
      }
      out.write(arc & 0x7F);
    }
    return tlv(OID, out.toByteArray());
  }

  /** One DER element: tag, definite length, then the parts concatenated. */
  private static byte[] tlv(int tag, byte[]... parts) {
    int length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
    out.write(tag);
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
