package io.sparkps.spark.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where the build puts what multi-JVM Spark tests need, found from the system properties that
 * ps-spark's surefire configuration sets ({@code ps.project.root}, {@code ps.spark.home},
 * {@code ps.shell.jars}, {@code ps.work.dir}), with fallbacks for running from an IDE.
 *
 * <p>Stateless and thread-safe: every method reads the file system when called.
 */
public final class ProjectLayout {

  private ProjectLayout() {}

  /** The repository root: the directory holding {@code scripts/jvm.options}. */
  public static Path root() {
    String configured = System.getProperty("ps.project.root");
    if (configured != null) {
      return Paths.get(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("scripts/jvm.options"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "project root not found: no scripts/jvm.options above user.dir=" + System.getProperty("user.dir"));
  }

  /**
   * The Spark "home" built by ps-spark's {@code process-test-resources} phase: {@code jars/} holds
   * Spark and all its dependencies. Standalone workers and {@code local-cluster} build executor
   * command lines from it ({@code SPARK_HOME}).
   */
  public static Path sparkHome() {
    String configured = System.getProperty("ps.spark.home");
    Path home = configured != null ? Paths.get(configured) : root().resolve("ps-spark/target/spark-home");
    if (!Files.isDirectory(home.resolve("jars"))) {
      throw new IllegalStateException("Spark home not built: sparkHome=" + home
          + " has no jars/ (run mvn -pl ps-spark -am process-test-resources, or any later phase)");
    }
    return home.toAbsolutePath().normalize();
  }

  /** The Scala REPL jars that {@code scripts/ps-shell} adds to the Spark jars. */
  public static Path shellJars() {
    String configured = System.getProperty("ps.shell.jars");
    return (configured != null ? Paths.get(configured) : root().resolve("ps-spark/target/shell/jars"))
        .toAbsolutePath().normalize();
  }

  /** A directory under the build output for cluster logs and worker directories. */
  public static Path workDir() {
    String configured = System.getProperty("ps.work.dir");
    Path dir = configured != null ? Paths.get(configured) : root().resolve("ps-spark/target/test-clusters");
    try {
      return Files.createDirectories(dir).toAbsolutePath().normalize();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create work dir: workDir=" + dir, e);
    }
  }

  /** The JVM flags of {@code scripts/jvm.options}, one per element; comments and blank lines skipped. */
  public static List<String> jvmFlags() {
    Path options = root().resolve("scripts/jvm.options");
    try (Stream<String> lines = Files.lines(options)) {
      return lines.map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read JVM flags: file=" + options, e);
    }
  }

  /** {@link #jvmFlags()} as one string, for {@code spark.executor.extraJavaOptions}. */
  public static String jvmFlagsLine() {
    return String.join(" ", jvmFlags());
  }

  /**
   * {@link #jvmFlagsLine()} plus Netty's paranoid leak detector, for every JVM a test starts
   * (executors, drivers of submitted applications): {@code scripts/test} fails on any {@code LEAK:}
   * line in their logs.
   */
  public static String testJvmFlagsLine() {
    return jvmFlagsLine() + " -Dio.netty.leakDetection.level=paranoid";
  }

  /** {@code java} of the JVM running the tests. */
  public static String javaExecutable() {
    return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The user jar ({@code ps-spark/target/ps-spark-VERSION-all.jar}) if {@code package} has built
   * one. Tests run before {@code package}, so during {@code mvn verify} this is either absent or left
   * over from an earlier build: prefer {@link #nonSparkClasspath()} for the current classes.
   */
  public static Optional<Path> userJar() {
    Path target = root().resolve("ps-spark/target");
    if (!Files.isDirectory(target)) {
      return Optional.empty();
    }
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "ps-spark-*-all.jar")) {
      for (Path jar : jars) {
        return Optional.of(jar.toAbsolutePath().normalize());
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + target, e);
    }
  }

  /** The test JVM's class path (surefire's real one, not its manifest-only booter jar). */
  public static List<String> testClasspath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isEmpty()) {
      cp = System.getProperty("java.class.path");
    }
    List<String> entries = new ArrayList<>();
    for (String entry : cp.split(File.pathSeparator)) {
      if (!entry.isEmpty() && Files.exists(Paths.get(entry))) {
        entries.add(Paths.get(entry).toAbsolutePath().normalize().toString());
      }
    }
    return entries;
  }

  /**
   * The test class path minus what the Spark home already gives every executor (matched by jar
   * file name): ps-core and ps-spark classes (directories or reactor jars), the test classes, and
   * third-party jars Spark does not ship. On this machine executors can load it through
   * {@code spark.executor.extraClassPath}; it always holds the classes just compiled.
   */
  public static List<String> nonSparkClasspath() {
    Set<String> sparkJars = new HashSet<>();
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(sparkHome().resolve("jars"), "*.jar")) {
      jars.forEach(j -> sparkJars.add(j.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list Spark jars", e);
    }
    List<String> entries = new ArrayList<>();
    for (String entry : testClasspath()) {
      Path path = Paths.get(entry);
      if (Files.isDirectory(path) || !sparkJars.contains(path.getFileName().toString())) {
        entries.add(entry);
      }
    }
    return entries;
  }
}
