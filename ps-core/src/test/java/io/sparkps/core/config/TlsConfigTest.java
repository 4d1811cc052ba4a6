package io.sparkps.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.testing.TlsTesting;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TlsConfig validation, and the rule that a serialised config never carries the private key. */
class TlsConfigTest {

  @Test
  void serialisedConfigKeepsTheTrustAndDropsThePrivateKey() throws Exception {
    TlsIdentity identity = TlsTesting.identity("serialisation");
    PsConfig config = PsConfig.builder().tls(TlsTesting.serverTls(identity)).build();
    assertNotNull(config.tls().identity());

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(config);
    }
    byte[] wire = bytes.toByteArray();
    byte[] secretScalar = ((ECPrivateKey) identity.privateKey()).getS().toByteArray();
    assertFalse(TlsTesting.contains(wire, secretScalar), "the private key travelled");
    assertFalse(TlsTesting.contains(wire, identity.privateKey().getEncoded()), "the private key travelled");
    assertTrue(TlsTesting.contains(wire, identity.certificate().getEncoded()), "the pinned certificate must travel");

    PsConfig copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(wire))) {
      copy = (PsConfig) in.readObject();
    }
    assertNull(copy.tls().identity());
    assertEquals(List.of(identity.certificate()), copy.tls().trustedCertificates());
    assertEquals(config, copy);
    assertTrue(copy.encryptionEnabled());
  }

  @Test
  void offByDefault() {
    assertFalse(PsConfig.defaults().encryptionEnabled());
    assertNull(PsConfig.defaults().tls());
  }

  @Test
  void validation() throws Exception {
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> TlsConfig.builder().build());
    assertTrue(none.getMessage().contains("at least one trusted certificate"), none.getMessage());
    TlsIdentity identity = TlsTesting.identity("validation");
    TlsConfig.Builder b = TlsConfig.builder().identity(identity);
    assertThrows(IllegalStateException.class, () -> b.identity(identity));
    TlsConfig tls = TlsTesting.serverTls(identity);
    PsConfig.Builder config = PsConfig.builder().tls(tls);
    assertThrows(IllegalStateException.class, () -> config.tls(tls));
    assertFalse(tls.toString().contains(identity.privateKey().toString()));
    assertEquals(tls, tls.forClients());
    assertNull(tls.forClients().identity());
  }
}
