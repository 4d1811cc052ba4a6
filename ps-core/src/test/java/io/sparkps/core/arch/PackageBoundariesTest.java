package io.sparkps.core.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house rules on package boundaries, checked on the sources: the pure packages never import
 * Netty, nothing in ps-core imports Spark or Scala, client and server APIs expose no Netty types,
 * Chronicle Map stays in the chronicle storage package with no cycle around it, and every package
 * documents itself.
 */
class PackageBoundariesTest {

  private static final Path ROOT = Path.of("src/main/java/io/sparkps/core");
  private static final Path CHRONICLE = ROOT.resolve("storage/chronicle");
  private static final Path STORE_FACTORY = ROOT.resolve("storage/tiers/ShardStores.java");
  /** A mention of a class in another ps-core package: group 1 is the package below io.sparkps.core. */
  private static final Pattern REFERENCE =
      Pattern.compile("io\\.sparkps\\.core\\.([a-z][a-z0-9]*(?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");

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

  /** Chronicle Map is an implementation detail of the off-heap and persisted tiers. */
  @Test
  void onlyTheChroniclePackageImportsChronicle() throws IOException {
    List<String> offenders = filesImporting(ROOT, "import net.openhft").stream()
        .filter(f -> !Path.of(f).startsWith(CHRONICLE)).toList();
    assertEquals(List.of(), offenders, "Chronicle stays in " + CHRONICLE);
    assertFalse(filesImporting(CHRONICLE, "import net.openhft").isEmpty(), "the Chronicle stores moved?");
  }

  /** Everything else sees the Chronicle tiers as a ShardStore that the store factory built. */
  @Test
  void onlyTheStoreFactoryRefersToTheChroniclePackage() throws IOException {
    List<String> referring = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.startsWith(CHRONICLE)).toList()) {
        if (Files.readString(f).contains("io.sparkps.core.storage.chronicle")) {
          referring.add(f.toString());
        }
      }
    }
    assertEquals(List.of(STORE_FACTORY.toString()), referring);
  }

  /**
   * The storage packages depend one way: {@code tiers} (the factory) on {@code chronicle} and
   * {@code storage}, {@code chronicle} on {@code storage}. Every mention of another package
   * counts, imports, qualified names and javadoc links alike.
   */
  @Test
  void storagePackagesFormNoCycle() throws IOException {
    Map<String, Set<String>> deps = new TreeMap<>();
    try (Stream<Path> dirs = Files.walk(ROOT.resolve("storage"))) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        deps.put(packageOf(d), packageDependencies(d));
      }
    }
    deps.values().forEach(targets -> targets.retainAll(deps.keySet()));
    assertEquals(Set.of(), deps.get("storage"), "storage depends on no subpackage");
    assertEquals(Set.of("storage"), deps.get("storage.chronicle"));
    assertEquals(List.of(), cycle(deps), "dependencies: " + deps);
  }

  @Test
  void everyPackageHasAPackageInfo() throws IOException {
    try (Stream<Path> dirs = Files.walk(ROOT)) {
      List<Path> packages = dirs.filter(d -> !d.equals(ROOT) && Files.isDirectory(d)).toList();
      assertTrue(packages.size() >= 12, "found " + packages);
      for (Path p : packages) {
        assertTrue(Files.exists(p.resolve("package-info.java")), "missing package-info.java in " + p);
      }
    }
  }

  /** {@code dir}'s package name below io.sparkps.core, e.g. {@code storage.chronicle}. */
  private static String packageOf(Path dir) {
    return ROOT.relativize(dir).toString().replace(dir.getFileSystem().getSeparator(), ".");
  }

  /** The ps-core packages the files directly in {@code dir} mention, itself excluded. */
  private static Set<String> packageDependencies(Path dir) throws IOException {
    Set<String> deps = new TreeSet<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = REFERENCE.matcher(Files.readString(f));
        while (m.find()) {
          deps.add(m.group(1));
        }
      }
    }
    deps.remove(packageOf(dir));
    return deps;
  }

  /** One dependency cycle in {@code deps} as the packages along it, or an empty list if none. */
  private static List<String> cycle(Map<String, Set<String>> deps) {
    Set<String> done = new HashSet<>();
    for (String start : deps.keySet()) {
      List<String> found = cycleFrom(start, deps, new ArrayList<>(), done);
      if (!found.isEmpty()) {
        return found;
      }
    }
    return List.of();
  }

  private static List<String> cycleFrom(String pkg, Map<String, Set<String>> deps, List<String> path,
      Set<String> done) {
    int seen = path.indexOf(pkg);
    if (seen >= 0) {
      List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
      cycle.add(pkg);
      return cycle;
    }
    if (!done.add(pkg)) {
      return List.of();
    }
    path.add(pkg);
    for (String next : deps.getOrDefault(pkg, Set.of())) {
      List<String> found = cycleFrom(next, deps, path, done);
      if (!found.isEmpty()) {
        return found;
      }
    }
    path.remove(path.size() - 1);
    return List.of();
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
