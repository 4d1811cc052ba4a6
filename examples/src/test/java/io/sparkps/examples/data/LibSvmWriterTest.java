package io.sparkps.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibSvmWriterTest {

  @TempDir
  Path tmp;

  @Test
  void roundTripThroughFiles() throws IOException {
    SyntheticData data = SyntheticData.of(53, 1000, 5, 9);
    List<Path> files = LibSvmWriter.write(data, tmp.resolve("out"), 4);
    assertEquals(4, files.size());
    assertEquals("part-00003.libsvm", files.get(3).getFileName().toString());

    LibSvmWriter.Meta meta = LibSvmWriter.readMeta(tmp.resolve("out"));
    assertEquals(data, meta.data());
    assertEquals(4, meta.parts());

    long r = 0;
    for (int p = 0; p < files.size(); p++) {
      assertEquals(data.partStart(4, p), r);
      for (String text : Files.readAllLines(files.get(p), StandardCharsets.US_ASCII)) {
        SyntheticData.Row row = data.row(r);
        LibSvmWriter.Line line = LibSvmWriter.parseLine(text);
        assertEquals(row.label(), line.label(), "row " + r);
        assertArrayEquals(row.features(), line.features(), "row " + r);
        for (double v : line.values()) {
          assertEquals(1.0, v);
        }
        r++;
      }
    }
    assertEquals(53, r);
  }

  @Test
  void lineFormatIsOneBased() {
    SyntheticData.Row row = new SyntheticData.Row(0, new long[] {0, 7, 999}, 1.0, false);
    assertEquals("1 1:1 8:1 1000:1", LibSvmWriter.line(row));
    assertEquals("0 3:1", LibSvmWriter.line(new SyntheticData.Row(1, new long[] {2}, 0.0, false)));
    LibSvmWriter.Line parsed = LibSvmWriter.parseLine("  1   1:1 8:0.5\t1000:1 ");
    assertArrayEquals(new long[] {0, 7, 999}, parsed.features());
    assertArrayEquals(new double[] {1, 0.5, 1}, parsed.values());
    assertEquals("libsvm index: index=0 (allowed >= 1, 1-based)",
        assertThrows(IllegalArgumentException.class, () -> LibSvmWriter.parseLine("1 0:1")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> LibSvmWriter.parseLine("1 3"));
    assertThrows(IllegalArgumentException.class, () -> LibSvmWriter.parseLine("x 3:1"));
    assertThrows(IllegalArgumentException.class, () -> LibSvmWriter.parseLine(""));
  }

  @Test
  void dataGenWritesFilesAndMeta() throws IOException {
    Path dir = tmp.resolve("gen");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = DataGen.run(new String[] {"--n", "1_000", "--d", "2^16", "--k", "8", "--seed", "5", "--out",
        dir.toString(), "--parts", "3"}, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("wrote 1000 rows"));
    LibSvmWriter.Meta meta = LibSvmWriter.readMeta(dir);
    assertEquals(SyntheticData.of(1_000, 1L << 16, 8, 5), meta.data());
    assertEquals(3, meta.parts());
    String json = Files.readString(dir.resolve(LibSvmWriter.META_FILE));
    assertTrue(json.contains("\"n\": 1000") && json.contains("\"indexBase\": 1"), json);
    List<String> first = Files.readAllLines(dir.resolve("part-00000.libsvm"));
    assertEquals(334, first.size());
    assertEquals(LibSvmWriter.line(meta.data().row(0)), first.get(0));
  }

  @Test
  void dataGenRejectsBadArguments() {
    assertBad("DataGen: option: n=unset (required)", "--d", "100", "--out", tmp.toString());
    assertBad("DataGen: option: out=unset (required, a directory)", "--n", "10", "--d", "100");
    assertBad("DataGen: option: arg=\"--x\" (allowed --n --d --k --seed --out --parts)", "--x", "1");
    assertBad("DataGen: option: --n=missing value (each option takes one value)", "--n");
    assertBad("DataGen: features: d=0 (allowed [1, 2^53])", "--n", "10", "--d", "0", "--out", tmp.toString());
    assertBad("DataGen: parts: parts=0 (allowed [1, 100000])", "--n", "10", "--d", "100", "--out",
        tmp.toString(), "--parts", "0");
    assertBad("DataGen: option: d=2^99 (allowed: an integer, or a^b with a >= 0, b in [0, 63], fitting in a long)",
        "--n", "10", "--d", "2^99");
  }

  private static void assertBad(String expectedFirstLine, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = DataGen.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, status);
    assertEquals(expectedFirstLine, err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse(""));
  }
}
