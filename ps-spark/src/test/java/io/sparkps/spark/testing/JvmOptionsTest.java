package io.sparkps.spark.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/**
 * The JVM flags live in two places that must agree: {@code scripts/jvm.options} (scripts, executors,
 * benchmarks, the test fixtures' executor JVMs) and the root pom's {@code ps.jvm.flags} (the test
 * JVMs). Both hold at least Spark's own module options, which spark-submit and spark-shell give
 * every JVM they start.
 */
class JvmOptionsTest {

  @Test
  void thePomHoldsExactlyTheFlagsOfJvmOptions() throws Exception {
    String pom = Files.readString(ProjectLayout.root().resolve("pom.xml"));
    Matcher m = Pattern.compile("<ps\\.jvm\\.flags>([^<]*)</ps\\.jvm\\.flags>").matcher(pom);
    assertTrue(m.find(), "no ps.jvm.flags property in the root pom.xml");
    List<String> pomFlags = Arrays.asList(m.group(1).trim().split("\\s+"));
    assertEquals(ProjectLayout.jvmFlags(), pomFlags,
        "the root pom's ps.jvm.flags must list the flags of scripts/jvm.options, in the same order");
  }

  @Test
  void jvmOptionsHoldSparksModuleOptions() {
    List<String> missing = new ArrayList<>(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
    missing.removeAll(ProjectLayout.jvmFlags());
    assertEquals(List.of(), missing, "flags of Spark's JavaModuleOptions missing from scripts/jvm.options");
    assertTrue(ProjectLayout.jvmFlags().contains("--add-opens=java.base/sun.security.action=ALL-UNNAMED"),
        "Spark's SerializationDebugger needs sun.security.action opened");
  }

  @Test
  void thisTestJvmWasStartedWithThem() {
    List<String> missing = new ArrayList<>(ProjectLayout.jvmFlags());
    missing.removeAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    assertEquals(List.of(), missing, "flags of scripts/jvm.options missing from the test JVM (surefire argLine)");
  }
}
