package io.sparkps.core.storage.chronicle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.TableSpec;
import io.sparkps.core.config.TableSpec.Storage;
import io.sparkps.core.storage.ShardStore;
import io.sparkps.core.storage.ShardStoreContract;
import io.sparkps.core.storage.StorageOptions;
import io.sparkps.core.storage.tiers.ShardStores;
import io.sparkps.core.update.UpdaterSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persisted map's header names its value and marshaller classes, which were nested in
 * {@code io.sparkps.core.storage.ChronicleShardStore} when format 1 was written. Files written
 * before the store moved to this package must still open, and files written now must still name
 * the old classes so earlier builds can open them too.
 */
class PersistedFormatTest {

  private static final String FIXTURE = "/io/sparkps/core/storage/chronicle/format1/";
  private static final String FILE = "table-1-shard-0.cmap";
  /** The table the fixture was written for: 40 pushes of {i, -i, 0.5} to key 7919 i. */
  private static final TableSpec SPEC = TableSpec.sparse("emb", 3).withUpdater(UpdaterSpec.adagrad(0.1))
      .withStorage(Storage.PERSISTED);

  @TempDir
  Path dir;

  private static void push40(ShardStore s) {
    for (int i = 0; i < 40; i++) {
      s.push(new long[] {i * 7919L}, 0, 1, new float[] {i, -i, 0.5f}, 0);
    }
  }

  private StorageOptions options(Path directory) {
    return StorageOptions.defaults().withDirectory(directory).withShard(1, 0).withExpectedEntries(16);
  }

  @Test
  void aShardWrittenBeforeTheMoveReopensWithItsRowsAndState() throws IOException {
    for (String name : new String[] {FILE, FILE + ".meta"}) {
      try (InputStream in = PersistedFormatTest.class.getResourceAsStream(FIXTURE + name)) {
        Files.copy(in, dir.resolve(name));
      }
    }
    try (ShardStore heap = ShardStores.create(SPEC.withStorage(Storage.HEAP), 0, 0);
        ShardStore old = ShardStores.create(SPEC, 0, 0, options(dir))) {
      assertEquals(64, assertInstanceOf(ChronicleShardStore.class, old).capacity());
      push40(heap);
      assertEquals(40, old.size());
      ShardStoreContract.assertSameRecords(ShardStoreContract.records(heap, 7),
          ShardStoreContract.records(old, 7), "fixture");
      push40(heap);
      push40(old);
      for (int i = 0; i < 40; i++) {
        long k = i * 7919L;
        assertEquals(2, old.version(k));
        assertArrayEquals(ShardStoreContract.pull(heap, k), ShardStoreContract.pull(old, k), "key=" + k);
      }
    }
  }

  @Test
  void aShardWrittenNowNamesTheClassesOfFormat1() throws IOException {
    try (ShardStore s = ShardStores.create(SPEC, 0, 0, options(dir))) {
      push40(s);
    }
    String bytes = new String(Files.readAllBytes(dir.resolve(FILE)), StandardCharsets.ISO_8859_1);
    String header = bytes.substring(0, Math.min(bytes.length(), 4096));
    assertTrue(bytes.contains("!type io.sparkps.core.storage.ChronicleShardStore$RowBuffer"), header);
    assertTrue(bytes.contains("!io.sparkps.core.storage.ChronicleShardStore$RowMarshaller"), header);
    assertFalse(bytes.contains("io.sparkps.core.storage.chronicle."), header);
  }
}
