package io.sparkps.core.storage;

import io.sparkps.core.config.InitializerSpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.update.SumUpdater;
import io.sparkps.core.update.UpdaterSpec;
import io.sparkps.core.update.Updaters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The shard-store contract on the dense store, plus ranges and size limits. */
class DenseShardStoreTest extends ShardStoreContract {

  /** Not 0, so local and global row indices differ. */
  private static final long START = 5_000;
  private static final long END = START + KEYS;
  private static final String RANGE = " ([" + START + ", " + END + "))";

  @Override
  ShardStore create(int dim, UpdaterSpec updater, InitializerSpec init) {
    return new DenseShardStore(START, END, dim, Updaters.create(updater), Initializer.of(init));
  }

  @Override
  long key(int i) {
    return START + i;
  }

  @Override
  boolean dense() {
    return true;
  }

  @Test
  void keysOutsideTheShardAreRejectedAndChangeNothing() {
    ShardStore s = store(2, UpdaterSpec.sum(), InitializerSpec.zeros());
    long[] batch = {START, END};
    float[] two = new float[4];
    expectOutOfRange(END, () -> s.push(batch, 0, 2, two, 0));
    assertEquals(0, s.version(START), "a rejected batch must not apply its valid keys");
    expectOutOfRange(START - 1, () -> s.pull(new long[] {START - 1}, 0, 1, two, 0));
    expectOutOfRange(END, () -> s.assign(batch, 0, 2, two, 0));
    expectOutOfRange(-1, () -> s.contains(-1));
    expectOutOfRange(Long.MAX_VALUE, () -> s.version(Long.MAX_VALUE));
    expectOutOfRange(Long.MIN_VALUE, () -> s.compareAndSet(Long.MIN_VALUE, 0, two, 0));
    assertEquals(0, s.version(START));
  }

  private static void expectOutOfRange(long key, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertEquals("key out of range: key=" + key + RANGE, e.getMessage());
  }

  @Test
  void pullRangeCopiesRowsInOrder() {
    for (UpdaterSpec spec : new UpdaterSpec[] {UpdaterSpec.sum(), UpdaterSpec.adam(0.1)}) {
      ShardStore s = store(2, spec, InitializerSpec.uniform(0, 1, 9));
      s.assign(new long[] {START + 10, START + 11}, 0, 2, new float[] {1, 2, 3, 4}, 0);
      float[] out = new float[1 + 4 * 2];
      s.pullRange(START + 9, START + 13, out, 1);
      float[] expected = new float[4 * 2];
      s.pull(new long[] {START + 9, START + 10, START + 11, START + 12}, 0, 4, expected, 0);
      assertArrayEquals(expected, slice(out, 1, 8), spec.toString());
      assertEquals(1f, out[3]);
      float[] all = new float[KEYS * 2];
      s.pullRange(START, END, all, 0);
      assertArrayEquals(new float[] {3, 4}, slice(all, 22, 2));
      s.pullRange(START, START, new float[0], 0);
    }
  }

  @Test
  void pullRangeOutsideTheShardIsRejected() {
    ShardStore s = store(1, UpdaterSpec.sum(), InitializerSpec.zeros());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> s.pullRange(START, END + 1, new float[KEYS + 1], 0));
    assertEquals("key out of range: start=" + START + ", end=" + (END + 1) + RANGE, e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.pullRange(START + 2, START + 1, new float[1], 0));
    e = assertThrows(IllegalArgumentException.class, () -> s.pullRange(START, START + 3, new float[2], 0));
    assertTrue(e.getMessage().startsWith("out array too short"), e.getMessage());
  }

  @Test
  void oversizedShardIsRejectedBeforeAllocating() {
    Initializer zeros = Initializer.of(InitializerSpec.zeros());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new DenseShardStore(0, 1L << 31, 1, SumUpdater.INSTANCE, zeros));
    assertTrue(e.getMessage().contains("use more servers"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new DenseShardStore(0, Long.MAX_VALUE, 4, Updaters.create(UpdaterSpec.adam(1)), zeros));
    assertThrows(IllegalArgumentException.class, () -> new DenseShardStore(5, 4, 1, SumUpdater.INSTANCE, zeros));
    assertThrows(IllegalArgumentException.class, () -> new DenseShardStore(-1, 4, 1, SumUpdater.INSTANCE, zeros));
  }

  @Test
  void emptyShardIsLegal() {
    DenseShardStore s = new DenseShardStore(7, 7, 3, SumUpdater.INSTANCE, Initializer.of(InitializerSpec.zeros()));
    assertEquals(0, s.size());
    assertEquals(-1, s.scan(0, 10, (k, src, off) -> {
      throw new AssertionError("no rows");
    }));
    expectEmpty(() -> s.contains(7));
  }

  private static void expectEmpty(Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertEquals("key out of range: key=7 ([7, 7))", e.getMessage());
  }
}
