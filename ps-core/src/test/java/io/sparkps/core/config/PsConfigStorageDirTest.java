package io.sparkps.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code storageDir}: optional, set once, never blank, part of equality. */
class PsConfigStorageDirTest {

  @Test
  void storageDirIsOptionalSetOnceAndNotBlank() {
    assertNull(PsConfig.defaults().storageDir());
    PsConfig c = PsConfig.builder().storageDir("/data/ps").build();
    assertEquals("/data/ps", c.storageDir());
    assertTrue(c.toString().contains("storageDir=/data/ps"), c.toString());
    assertEquals(c, PsConfig.builder().storageDir("/data/ps").build());
    assertEquals(c.hashCode(), PsConfig.builder().storageDir("/data/ps").build().hashCode());
    assertNotEquals(c, PsConfig.defaults());
    PsConfig.Builder b = PsConfig.builder().storageDir("/a");
    IllegalStateException twice = assertThrows(IllegalStateException.class, () -> b.storageDir("/b"));
    assertEquals("storageDir was already set to /a", twice.getMessage());
    IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
        () -> PsConfig.builder().storageDir(" "));
    assertEquals("storageDir must not be blank: storageDir= ", blank.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PsConfig.builder().storageDir(null));
  }
}
