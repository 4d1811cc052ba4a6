package io.sparkps.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Expiry and admission options: validated as they are set, only on sparse HEAP tables. */
class FeatureLifecycleTest {

  private static void rejects(Executable call, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void sparseTablesTakeTheOptionsThroughTheirSpec() {
    TableSpec spec = TableSpec.sparse("emb", 8).withExpireAfterClocks(100).withAdmitAfter(3)
        .withAdmissionSketchBytes(1 << 16);
    FeatureLifecycle l = spec.lifecycle();
    assertEquals(100, l.expireAfterClocks());
    assertEquals(0, l.expireAfterMillis());
    assertEquals(3, l.admitAfter());
    assertEquals(1 << 16, l.admissionSketchBytes());
    assertTrue(l.expires() && l.admits() && l.isSet());
    assertTrue(spec.toString().contains("lifecycle=FeatureLifecycle{expireAfterClocks=100, admitAfter=3, "
        + "admissionSketchBytes=65536}"), spec.toString());
    assertEquals(spec, TableSpec.of("emb", TableSpec.Kind.SPARSE, 0, 8, spec.updater(), spec.initializer(),
        TableSpec.Storage.HEAP, l));
    assertNotEquals(TableSpec.sparse("emb", 8), spec);
    TableSpec timed = TableSpec.sparse("emb", 8).withExpireAfterWrite(Duration.ofMinutes(10));
    assertEquals(600_000, timed.lifecycle().expireAfterMillis());
    assertFalse(timed.lifecycle().admits());
  }

  @Test
  void aSpecWithoutOptionsIsUnchanged() {
    TableSpec plain = TableSpec.sparse("emb", 8);
    assertEquals(FeatureLifecycle.NONE, plain.lifecycle());
    assertFalse(plain.lifecycle().isSet());
    assertEquals(plain, plain.withLifecycle(FeatureLifecycle.NONE));
    assertFalse(plain.toString().contains("lifecycle"));
    assertEquals(plain.hashCode(), plain.withLifecycle(FeatureLifecycle.NONE).hashCode());
  }

  @Test
  void badOptionsAreRejectedWithWhatWasExpected() {
    TableSpec sparse = TableSpec.sparse("emb", 8);
    rejects(() -> sparse.withExpireAfterClocks(0), "expireAfterClocks out of range: clocks=0 (> 0)");
    rejects(() -> sparse.withExpireAfterWrite(Duration.ZERO), "expireAfterWrite out of range: age=PT0S (>= 1 ms)");
    rejects(() -> sparse.withExpireAfterWrite(Duration.ofNanos(10)), "(>= 1 ms)");
    rejects(() -> sparse.withExpireAfterWrite(Duration.ofSeconds(-1)), "(>= 1 ms)");
    rejects(() -> sparse.withAdmitAfter(0), "admitAfter out of range: count=0 ([1, 255]");
    rejects(() -> sparse.withAdmitAfter(256), "admitAfter out of range: count=256 ([1, 255]");
    rejects(() -> sparse.withAdmissionSketchBytes(100), "admissionSketchBytes out of range: bytes=100 ([4096, 1073741824])");
    rejects(() -> sparse.withExpireAfterClocks(5).withExpireAfterWrite(Duration.ofSeconds(1)),
        "expireAfterClocks and expireAfterWrite exclude each other");
    rejects(() -> sparse.withExpireAfterWrite(Duration.ofSeconds(1)).withExpireAfterClocks(5),
        "expireAfterClocks and expireAfterWrite exclude each other");
    assertThrows(NullPointerException.class, () -> sparse.withLifecycle(null));
  }

  @Test
  void denseAndNonHeapTablesRefuseThem() {
    rejects(() -> TableSpec.dense("d", 10, 2).withExpireAfterClocks(3),
        "expiry and admission need a sparse table: table=d is dense");
    rejects(() -> TableSpec.dense("d", 10, 2).withAdmitAfter(2), "need a sparse table");
    rejects(() -> TableSpec.sparse("s", 2).withStorage(TableSpec.Storage.OFFHEAP).withAdmitAfter(2),
        "expiry and admission need HEAP storage: table=s, storage=OFFHEAP");
    rejects(() -> TableSpec.sparse("s", 2).withExpireAfterClocks(3).withStorage(TableSpec.Storage.PERSISTED),
        "expiry and admission need HEAP storage: table=s, storage=PERSISTED");
    // Unset options are fine anywhere.
    assertEquals(TableSpec.dense("d", 10, 2), TableSpec.dense("d", 10, 2).withLifecycle(FeatureLifecycle.NONE));
  }

  @Test
  void specsSurviveJavaSerialization() throws Exception {
    TableSpec spec = TableSpec.sparse("emb", 8).withExpireAfterWrite(Duration.ofSeconds(30)).withAdmitAfter(2);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(spec);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(spec, in.readObject());
    }
  }
}
