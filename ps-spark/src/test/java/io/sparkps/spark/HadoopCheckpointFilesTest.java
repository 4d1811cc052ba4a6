package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.checkpoint.CheckpointFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint files through Hadoop's FileSystem API (here its file:// implementation). */
class HadoopCheckpointFilesTest {

  @TempDir
  Path tmp;

  @Test
  void hadoopSchemesResolveToTheHadoopFileSystemAndLocalPathsDoNot() {
    assertInstanceOf(HadoopCheckpointFiles.class, CheckpointFiles.forPath("hdfs://namenode:8020/ckpt"));
    assertFalse(CheckpointFiles.forPath(tmp.toString()) instanceof HadoopCheckpointFiles);
    assertFalse(new HadoopCheckpointFiles().supports("/plain/path"));
  }

  @Test
  void createsReadsListsRenamesAndDeletes() throws IOException {
    HadoopCheckpointFiles files = new HadoopCheckpointFiles();
    String root = tmp.toUri().toString() + "root";
    assertEquals(List.of(), files.list(root), "a missing directory has no entries");
    String a = files.resolve(root, "ckpt-00000001/a.shard");
    try (OutputStream out = files.create(a)) {
      out.write(new byte[] {1, 2, 3});
    }
    assertTrue(files.exists(a));
    String b = files.resolve(root, "ckpt-00000001/b.shard");
    files.rename(a, b);
    assertFalse(files.exists(a));
    try (InputStream in = files.open(b)) {
      assertArrayEquals(new byte[] {1, 2, 3}, in.readAllBytes());
    }
    assertEquals(List.of("ckpt-00000001"), files.list(root));
    assertThrows(IOException.class, () -> files.open(a));
    files.deleteRecursively(files.resolve(root, "ckpt-00000001"));
    assertEquals(List.of(), files.list(root));
  }
}
