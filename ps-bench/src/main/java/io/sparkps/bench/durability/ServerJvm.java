package io.sparkps.bench.durability;

import io.sparkps.bench.ChildJvm;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.server.PsServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A parameter server in a JVM of its own (its own heap limit); exits when its scheduler goes away. */
public final class ServerJvm {

  private ServerJvm() {}

  public static void main(String[] args) throws Exception {
    PsServer server = PsServer.start(PsConfig.defaults(), 0, args[0], Integer.parseInt(args[1]));
    server.stopped().get();
  }

  /** Launches {@link #main} with {@code -Xmx<heap>} and this JVM's other flags. */
  static Process launch(String host, int port, String heap, Path log) throws IOException {
    return ChildJvm.launch(ServerJvm.class, heap, log, List.of(host, Integer.toString(port)));
  }

  /** Resident memory of a process in MiB (Linux), or -1. */
  static long rssMib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
