package io.sparkps.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.TableSpec;
import io.sparkps.core.storage.ShardStore;
import io.sparkps.core.storage.tiers.ShardStores;
import io.sparkps.core.update.UpdaterSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shard file and manifest formats: round trips, and damage detected instead of half-loaded. */
class ShardFileTest {

  private static final TableSpec SPEC = TableSpec.sparse("w", 3).withUpdater(UpdaterSpec.adagrad(0.1));
  private static final List<PushMark> MARKS = List.of(new PushMark(42, 0, 7, 3), new PushMark(42, 1, 6, 0));

  @TempDir
  Path dir;

  private static byte[] written(ShardStore store) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardFile.write(out, 5, 2, store, MARKS);
    return out.toByteArray();
  }

  private static ShardStore filled(int rows) {
    ShardStore store = ShardStores.create(SPEC, 0, 0);
    long[] keys = new long[rows];
    float[] g = new float[rows * 3];
    for (int i = 0; i < rows; i++) {
      keys[i] = i * 11L;
    }
    for (int i = 0; i < g.length; i++) {
      g[i] = (i % 5) - 2;
    }
    store.push(keys, 0, rows, g, 0);
    return store;
  }

  @Test
  void rowsStateVersionsAndMarksRoundTripAcrossChunks() throws IOException {
    int rows = 10_000;  // more than one chunk
    try (ShardStore source = filled(rows); ShardStore target = ShardStores.create(SPEC, 0, 0)) {
      ShardFile.Header h = ShardFile.read(new ByteArrayInputStream(written(source)), target, "mem");
      assertEquals(new ShardFile.Header(5, 2, 3, source.rowWidth(), MARKS), h);
      assertEquals(rows, target.size());
      long[] keys = {0, 11, 5555, (rows - 1) * 11L};
      float[] a = new float[keys.length * 3];
      float[] b = new float[keys.length * 3];
      source.pull(keys, 0, keys.length, a, 0);
      target.pull(keys, 0, keys.length, b, 0);
      assertArrayEquals(a, b);
      assertEquals(source.version(11), target.version(11));
    }
  }

  @Test
  void truncatedOrAlteredFilesAreRefusedWithAReason() throws IOException {
    byte[] bytes;
    try (ShardStore source = filled(100)) {
      bytes = written(source);
    }
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 20);
    try (ShardStore target = ShardStores.create(SPEC, 0, 0)) {
      IOException e = assertThrows(IOException.class,
          () -> ShardFile.read(new ByteArrayInputStream(truncated), target, "cut.shard"));
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
    byte[] flipped = bytes.clone();
    flipped[bytes.length / 2] ^= 0x40;
    try (ShardStore target = ShardStores.create(SPEC, 0, 0)) {
      IOException e = assertThrows(IOException.class,
          () -> ShardFile.read(new ByteArrayInputStream(flipped), target, "bad.shard"));
      assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }
    try (ShardStore other = ShardStores.create(TableSpec.sparse("w", 4), 0, 0)) {
      IOException e = assertThrows(IOException.class,
          () -> ShardFile.read(new ByteArrayInputStream(bytes), other, "w.shard"));
      assertTrue(e.getMessage().contains("dim 3"), e.getMessage());
    }
  }

  @Test
  void theManifestRoundTripsAndOnlyCheckpointsWithOneCount() throws IOException {
    Manifest m = new Manifest(3, 1_700_000_000_000L, 12, 4096, List.of(new Manifest.RunCut("lr", 99, 40)),
        List.of(new Manifest.TableEntry("w", 1, 4, SPEC)));
    CheckpointFiles files = CheckpointFiles.forPath(dir.toString());
    String complete = CheckpointLayout.checkpointDir(files, dir.toString(), 3);
    try (var out = files.create(CheckpointLayout.manifestFile(files, complete))) {
      m.write(out);
    }
    assertEquals(m, CheckpointLayout.readManifest(files, complete));
    // A newer directory without a manifest: an unfinished checkpoint, never chosen.
    Files.createDirectories(dir.resolve("ckpt-00000004"));
    Files.writeString(dir.resolve("ckpt-00000004").resolve("t1-s0.shard"), "half");
    assertEquals(OptionalLong.of(3), CheckpointLayout.latestComplete(files, dir.toString()));
    assertEquals(complete, CheckpointLayout.resolve(files, dir.toString()).orElseThrow());
    assertEquals(complete, CheckpointLayout.resolve(files, complete).orElseThrow());
    assertTrue(CheckpointLayout.resolve(files, dir.resolve("nothing").toString()).isEmpty());
  }
}
