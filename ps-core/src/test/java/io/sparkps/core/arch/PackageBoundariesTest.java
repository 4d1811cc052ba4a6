package io.sparkps.core.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house rules on package boundaries, checked on the sources: the pure packages never import
 * Netty, nothing in ps-core imports Spark or Scala, client and server APIs expose no Netty types,
 * and every package documents itself.
 */
class PackageBoundariesTest {

  private static final Path ROOT = Path.of("src/main/java/io/sparkps/core");

  @Test
  void purePackagesDoNotImportNetty() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (String pkg : List.of("storage", "update", "clock", "partition", "config", "checkpoint")) {
      offenders.addAll(filesImporting(ROOT.resolve(pkg), "import io.netty"));
    }
    assertEquals(List.of(), offenders);
  }

  @Test
  void coreDoesNotImportSparkOrScala() throws IOException {
    List<String> offenders = new ArrayList<>(filesImporting(ROOT, "import org.apache.spark"));
    offenders.addAll(filesImporting(ROOT, "import scala."));
    assertEquals(List.of(), offenders);
  }

  @Test
  void clientServerAndSchedulerUseTheTransportNotNetty() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (String pkg : List.of("client", "server", "scheduler")) {
      offenders.addAll(filesImporting(ROOT.resolve(pkg), "import io.netty"));
    }
    assertEquals(List.of(), offenders);
  }

  /** Chronicle Map is an implementation detail of the off-heap and persisted stores. */
  @Test
  void onlyStorageImportsChronicle() throws IOException {
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(ROOT)) {
      for (Path p : dirs.filter(Files::isDirectory).toList()) {
        if (!p.getFileName().toString().equals("storage")) {
          offenders.addAll(filesImporting(p, "import net.openhft"));
        }
      }
    }
    assertEquals(List.of(), offenders);
    assertTrue(filesImporting(ROOT.resolve("storage"), "import net.openhft").stream()
        .allMatch(f -> f.endsWith("ChronicleShardStore.java")), "Chronicle stays in one class");
  }

  @Test
  void everyPackageHasAPackageInfo() throws IOException {
    try (Stream<Path> dirs = Files.list(ROOT)) {
      List<Path> packages = dirs.filter(Files::isDirectory).toList();
      assertTrue(packages.size() >= 10, "found " + packages);
      for (Path p : packages) {
        assertTrue(Files.exists(p.resolve("package-info.java")), "missing package-info.java in " + p);
      }
    }
  }

  private static List<String> filesImporting(Path dir, String prefix) throws IOException {
    List<String> hits = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        if (Files.readAllLines(f).stream().anyMatch(l -> l.startsWith(prefix))) {
          hits.add(f.toString());
        }
      }
    }
    return hits;
  }
}
