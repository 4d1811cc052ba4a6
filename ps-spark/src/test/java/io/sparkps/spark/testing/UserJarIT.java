package io.sparkps.spark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The user jar built by {@code package} (run by failsafe after it): it holds spark-ps and nothing
 * Spark already ships, and executors of a standalone cluster load spark-ps from it when it is
 * passed as {@code spark.jars}, as {@code spark-submit --jars} does.
 */
class UserJarIT {

  private static Path userJar() {
    String configured = System.getProperty("ps.user.jar");
    Path jar = configured != null ? Paths.get(configured)
        : ProjectLayout.userJar().orElseThrow(() -> new AssertionError("no user jar; run mvn package"));
    assertTrue(Files.isRegularFile(jar), "user jar not built: " + jar);
    return jar;
  }

  @Test
  void holdsSparkPsAndNothingSparkShips() throws IOException {
    Set<String> entries;
    try (ZipFile zip = new ZipFile(userJar().toFile())) {
      entries = zip.stream().map(ZipEntry::getName).collect(Collectors.toSet());
    }
    assertTrue(entries.contains("io/sparkps/core/config/PsConfig.class"), "ps-core classes");
    Path sparkClasses = ProjectLayout.root().resolve("ps-spark/target/classes");
    if (Files.isDirectory(sparkClasses)) {
      try (Stream<Path> files = Files.walk(sparkClasses)) {
        List<String> missing = files.filter(f -> f.toString().endsWith(".class"))
            .map(f -> sparkClasses.relativize(f).toString().replace('\\', '/'))
            .filter(name -> !entries.contains(name)).toList();
        assertEquals(List.of(), missing, "ps-spark classes missing from the user jar");
      }
    }
    for (String provided : List.of("io/netty/", "org/slf4j/", "scala/", "org/apache/spark/")) {
      List<String> found = entries.stream().filter(e -> e.startsWith(provided)).limit(3).toList();
      assertEquals(List.of(), found, "Spark ships " + provided + "; the user jar must not");
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void executorsLoadSparkPsAndPluginsFromShippedJars() {
    Path jar = userJar();
    try (StandaloneCluster cluster = StandaloneCluster.builder().workers(1).name("user-jar").start();
         JavaSparkContext sc = new JavaSparkContext(cluster.driverConf("user-jar", jar)
             .set("spark.plugins", ProbePlugin.class.getName()))) {
      List<String> reports = sc.parallelize(List.of(1, 2), 1)
          .map(x -> System.getProperty(ProbePlugin.PROPERTY) + " "
              + io.sparkps.core.config.PsConfig.class.getProtectionDomain().getCodeSource().getLocation())
          .distinct()
          .collect();
      assertEquals(1, reports.size(), reports.toString());
      String[] report = reports.get(0).split(" ");
      // The plugin came from the application jar in spark.jars and ran its executor side.
      assertEquals("0", report[0], "executor plugin initialized: " + reports);
      String location = report[1];
      // The executor's copy of the jar, fetched into its directory under the worker's work dir.
      assertTrue(location.endsWith("/" + jar.getFileName()), location);
      assertTrue(location.contains(cluster.workDir().toString()), location);
    }
  }
}
