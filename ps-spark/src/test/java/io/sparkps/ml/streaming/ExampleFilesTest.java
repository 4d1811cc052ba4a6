package io.sparkps.ml.streaming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.checkpoint.CheckpointFiles;
import io.sparkps.ml.SparseExample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream log's row files: rows come back as written, whole or with a clear error. */
class ExampleFilesTest {

  @TempDir
  Path dir;

  private static List<SparseExample> rows() {
    Random rnd = new Random(3);
    List<SparseExample> rows = new ArrayList<>();
    rows.add(new SparseExample(1, new long[0], new float[0], 2.5));
    // More features than one write buffer holds: the row spans several.
    long[] wide = LongStream.range(0, 20_000).map(k -> k * 3 + (1L << 40)).toArray();
    float[] wideValues = new float[wide.length];
    for (int i = 0; i < wideValues.length; i++) {
      wideValues[i] = rnd.nextFloat();
    }
    rows.add(new SparseExample(0, wide, wideValues, 1));
    for (int i = 0; i < 5_000; i++) {
      long[] idx = rnd.longs(30, 0, 1L << 24).distinct().sorted().toArray();
      float[] val = new float[idx.length];
      for (int j = 0; j < val.length; j++) {
        val[j] = (float) rnd.nextGaussian();
      }
      rows.add(new SparseExample(rnd.nextInt(2), idx, val, 1));
    }
    return rows;
  }

  @Test
  void rowsComeBackAsWritten() throws IOException {
    CheckpointFiles files = CheckpointFiles.forPath(dir.toString());
    String path = dir.resolve("rows/3/part-1").toString();
    List<SparseExample> written = rows();
    ExampleFiles.write(files, path, written, "0-0");
    ExampleFiles.write(files, path, written, "0-1");  // a retried task's attempt replaces the file
    assertEquals(written.size(), ExampleFiles.rows(files, path));
    List<SparseExample> read = ExampleFiles.read(files, path);
    assertEquals(written.size(), read.size());
    for (int i = 0; i < written.size(); i++) {
      SparseExample w = written.get(i);
      SparseExample r = read.get(i);
      assertEquals(w.label(), r.label());
      assertEquals(w.weight(), r.weight());
      assertArrayEquals(w.indices(), r.indices(), "row " + i);
      assertArrayEquals(w.values(), r.values(), "row " + i);
    }
    try (var left = Files.list(dir.resolve("rows/3"))) {
      assertEquals(List.of("part-1"), left.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
    }
  }

  @Test
  void aDamagedFileFailsWithItsPathNamed() throws IOException {
    CheckpointFiles files = CheckpointFiles.forPath(dir.toString());
    Path path = dir.resolve("part-0");
    ExampleFiles.write(files, path.toString(), rows(), "0-0");
    byte[] whole = Files.readAllBytes(path);
    Files.write(path, java.util.Arrays.copyOf(whole, whole.length / 2));
    IOException truncated = assertThrows(IOException.class, () -> ExampleFiles.read(files, path.toString()));
    assertTrue(truncated.getMessage().contains(path.toString()), truncated.getMessage());
    assertTrue(truncated.getMessage().contains("truncated") || truncated.getMessage().contains("corrupt"),
        truncated.getMessage());

    Files.write(path, new byte[] {1, 2, 3, 4, 0, 0, 0, 1, 0, 0, 0, 0});
    IOException foreign = assertThrows(IOException.class, () -> ExampleFiles.read(files, path.toString()));
    assertTrue(foreign.getMessage().contains("not a spark-ps stream log file"), foreign.getMessage());
    assertFalse(foreign.getMessage().isBlank());
  }
}
