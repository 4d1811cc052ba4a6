package io.sparkps.core.testing;

import io.sparkps.core.config.PsConfig;
import io.sparkps.core.server.PsServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A parameter server in its own JVM, for tests that need a server with a different heap than the
 * test's: {@link #start} launches this class's {@code main}, which registers with the given
 * scheduler and exits when the server stops (it stops when the scheduler goes away).
 */
public final class ServerProcess {

  private ServerProcess() {}

  public static void main(String[] args) throws Exception {
    PsServer server = PsServer.start(PsConfig.defaults(), 0, args[0], Integer.parseInt(args[1]));
    server.stopped().get();
  }

  /**
   * Starts a server JVM with {@code -Xmx<heap>} and the test JVM's other flags (module opens,
   * leak detection), its output in {@code log}.
   */
  public static Process start(String schedulerHost, int schedulerPort, String heap, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-Xmx") && !arg.startsWith("-Xms") && !arg.startsWith("-javaagent")
          && !arg.startsWith("-agentlib")) {
        cmd.add(arg);
      }
    }
    cmd.add("-Xmx" + heap);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ServerProcess.class.getName());
    cmd.add(schedulerHost);
    cmd.add(Integer.toString(schedulerPort));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
