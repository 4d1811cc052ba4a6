package io.sparkps.bench.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TransportOptions}: the defaults, every option of the command line, and clear errors. */
class TransportOptionsTest {

  @Test
  void noArgumentsGiveTheDefaults() {
    TransportOptions o = TransportOptions.parse();
    assertEquals(1 << 20, o.denseFloats());
    assertEquals(16, o.dim());
    assertEquals(1_000_000, o.populatedKeys());
    assertEquals(10_000, o.sparseKeys());
    assertArrayEquals(new int[] {1, 4}, o.clients());
    assertEquals(1.0, o.warmupSeconds());
    assertEquals(3.0, o.measureSeconds());
    assertEquals(1, o.rounds());
    assertEquals(List.of("reference", "spark-ps", "ps-transport-only"), List.copyOf(o.systems()));
    assertEquals(List.of(Workload.values()), List.copyOf(o.workloads()));
    assertNull(o.outDir());
    assertEquals(42, o.seed());
    assertNull(o.profile());
    assertEquals(1, o.servers());
    assertFalse(o.tls());
    assertFalse(o.inProcess());
    assertEquals(o.toString(), TransportOptions.defaults().toString());
  }

  @Test
  void everyOptionSetsItsValue() {
    TransportOptions o = TransportOptions.parse("--dense-floats=4096", "--dim=8", "--keys=2000", "--sparse-keys=100",
        "--clients=1,2,3", "--warmup=0.5", "--seconds=1.5", "--rounds=3", "--systems=spark-ps,reference",
        "--workloads=small-pull,dense-pull", "--out=/tmp/x", "--seed=7", "--servers=2", "--profile=wall", "--tls=on",
        "--in-process=on");
    assertEquals(4096, o.denseFloats());
    assertEquals(8, o.dim());
    assertEquals(2000, o.populatedKeys());
    assertEquals(100, o.sparseKeys());
    assertArrayEquals(new int[] {1, 2, 3}, o.clients());
    assertEquals(3, o.maxClients());
    assertEquals(0.5, o.warmupSeconds());
    assertEquals(1.5, o.measureSeconds());
    assertEquals(3, o.rounds());
    assertEquals(List.of("spark-ps", "reference"), List.copyOf(o.systems()), "the given order is kept");
    assertEquals(List.of(Workload.SMALL_PULL, Workload.DENSE_PULL), List.copyOf(o.workloads()));
    assertEquals(Path.of("/tmp/x"), o.outDir());
    assertEquals(7, o.seed());
    assertEquals(2, o.servers());
    assertEquals("wall", o.profile());
    assertTrue(o.tls());
    assertTrue(o.inProcess());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransportOptions.parse("--tls=yes"));
    assertTrue(e.getMessage().contains("--tls=yes (on, off)"), e.getMessage());
  }

  @Test
  void aLaterOptionReplacesAnEarlierOne() {
    // scripts/bench transport passes its defaults first and the user's options after them.
    TransportOptions o = TransportOptions.parse("--warmup=0.75", "--seconds=2", "--rounds=2", "--seconds=3",
        "--rounds=3");
    assertEquals(0.75, o.warmupSeconds());
    assertEquals(3.0, o.measureSeconds());
    assertEquals(3, o.rounds());
  }

  @Test
  void theOptionsAreImmutable() {
    TransportOptions o = TransportOptions.parse("--clients=1,4");
    o.clients()[0] = 99;
    assertArrayEquals(new int[] {1, 4}, o.clients());
    assertThrows(UnsupportedOperationException.class, () -> o.systems().clear());
    assertThrows(UnsupportedOperationException.class, () -> o.workloads().clear());
  }

  @Test
  void theBuilderChecksEachValueAndTheCombination() {
    TransportOptions o = TransportOptions.builder().populatedKeys(10).sparseKeys(10).clients(2).build();
    assertEquals(10, o.sparseKeys());
    assertMessage("sparse keys per op out of range: sparseKeys=11 ([1, keys=10])",
        () -> TransportOptions.builder().populatedKeys(10).sparseKeys(11).build());
    assertMessage("rounds out of range: rounds=0 (> 0)", () -> TransportOptions.builder().rounds(0));
  }

  @Test
  void badValuesGiveClearErrors() {
    assertMessage("not a number: --seconds=abc", "--seconds=abc");
    assertMessage("not a number: --clients=1,x", "--clients=1,x");
    assertMessage("not a number: --dim=", "--dim=");
    assertMessage("dense row size out of range: dense-floats=0 (> 0)", "--dense-floats=0");
    assertMessage("row width out of range: dim=-1 (> 0)", "--dim=-1");
    assertMessage("populated keys out of range: keys=0 (> 0)", "--keys=0");
    assertMessage("sparse keys per op out of range: sparse-keys=0 (> 0)", "--sparse-keys=0");
    assertMessage("sparse keys per op out of range: sparseKeys=10000 ([1, keys=100])", "--keys=100");
    assertMessage("clients must be > 0: clients=[1, 0]", "--clients=1,0");
    assertMessage("warm-up out of range: warmup=-1.0 (>= 0 s)", "--warmup=-1");
    assertMessage("measured time out of range: seconds=0.0 (> 0 s)", "--seconds=0");
    assertMessage("measured time out of range: seconds=NaN (> 0 s)", "--seconds=NaN");
    assertMessage("rounds out of range: rounds=0 (> 0)", "--rounds=0");
    assertMessage("unknown system: system=ps-lite (reference, spark-ps, ps-transport-only)", "--systems=ps-lite");
    assertMessage("servers must be >= 1: servers=0", "--servers=0");
    assertMessage("empty profile event: profile= (cpu, itimer, wall, alloc, ...)", "--profile=");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TransportOptions.parse("--workloads=bogus"))
        .getMessage().startsWith("unknown workload: id=bogus (one of [dense-pull, "));
  }

  @Test
  void malformedOrUnknownArgumentsNameTheOptions() {
    String names = " (--name=value; names: [dense-floats, dim, keys, sparse-keys, clients, warmup, seconds, rounds, "
        + "systems, workloads, out, seed, servers, profile, tls, in-process])";
    assertMessage("bad argument: seconds=3" + names, "seconds=3");
    assertMessage("bad argument: --seconds" + names, "--seconds");
    assertMessage("unknown option: --second (names: [dense-floats, dim, keys, sparse-keys, clients, warmup, seconds, "
        + "rounds, systems, workloads, out, seed, servers, profile, tls, in-process])", "--second=3");
  }

  private static void assertMessage(String expected, String... args) {
    assertMessage(expected, () -> TransportOptions.parse(args));
  }

  private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertEquals(expected, e.getMessage());
  }
}
