package io.sparkps.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StorageOptionsTest {

  @Test
  void defaultsAndShardFileNames() {
    StorageOptions d = StorageOptions.defaults();
    assertNull(d.directory());
    assertEquals(StorageOptions.DEFAULT_EXPECTED_ENTRIES, d.expectedEntries());
    StorageOptions o = StorageOptions.forShard("/data/ps", 12, 3);
    assertEquals(Path.of("/data/ps"), o.directory());
    assertEquals(Path.of("/data/ps/table-12-shard-3.cmap"), o.shardFile());
    assertEquals(o, StorageOptions.defaults().withDirectory(Path.of("/data/ps")).withShard(12, 3));
    assertNotEquals(o, o.withExpectedEntries(10));
    assertEquals(10, o.withExpectedEntries(10).expectedEntries());
    assertNull(StorageOptions.forShard(null, 1, 0).directory());
    assertTrue(o.toString().contains("tableId=12, shard=3"), o.toString());
  }

  @Test
  void badValuesAreRejectedNamingTheSetting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StorageOptions.forShard(null, 1, 0).shardFile());
    assertTrue(e.getMessage().startsWith("persisted storage needs a directory: storageDir=null"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> StorageOptions.defaults().withExpectedEntries(0));
    assertEquals("expected entries out of range: expectedEntries=0 ([1, 1099511627776])", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> StorageOptions.defaults().withShard(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> StorageOptions.defaults().withShard(0, -1));
    assertThrows(IllegalArgumentException.class, () -> StorageOptions.defaults().withDirectory(Path.of(" ")));
  }
}
