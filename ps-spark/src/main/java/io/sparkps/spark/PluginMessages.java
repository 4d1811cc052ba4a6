package io.sparkps.spark;

import java.util.Arrays;

/**
 * The messages between the executor and driver parts of {@link PsPlugin}, encoded as
 * {@code String[]}. Spark's RPC layer deserialises the reply to an executor's {@code ask} with a
 * class loader that does not see jars shipped with {@code --jars}: a reply of one of our own
 * classes fails there with {@code ClassNotFoundException}, the executor exits and Spark relaunches
 * executors without end. JDK types decode anywhere, so every message is {@code [kind, fields...]}.
 * Stateless.
 */
final class PluginMessages {

  static final String SLOT_REQUEST = "spark-ps/slot-request";
  static final String SLOT_GRANTED = "spark-ps/slot-granted";
  static final String SLOT_REFUSED = "spark-ps/slot-refused";
  static final String SERVER_STARTED = "spark-ps/server-started";

  private PluginMessages() {}

  /** Executor to driver: may this executor host a server? */
  static String[] slotRequest(String executorId) {
    return new String[] {SLOT_REQUEST, executorId};
  }

  /** Driver to executor: yes. */
  static String[] slotGranted() {
    return new String[] {SLOT_GRANTED, ""};
  }

  /** Driver to executor: no, and why. */
  static String[] slotRefused(String reason) {
    return new String[] {SLOT_REFUSED, reason};
  }

  /** Executor to driver (one way): this executor now hosts that server. */
  static String[] serverStarted(ServerStarted started) {
    return new String[] {SERVER_STARTED, started.executorId(), Integer.toString(started.serverId())};
  }

  /** The message's fields, checked to be a spark-ps message of {@code kind} with {@code fields} fields. */
  static String[] expect(Object message, String kind, int fields) {
    if (!(message instanceof String[] m) || m.length != fields + 1 || !kind.equals(m[0])) {
      throw new IllegalArgumentException("spark-ps plugin: expected a " + kind + " message with " + fields
          + " fields, got " + describe(message) + " (driver and executors must run the same spark-ps jar)");
    }
    return m;
  }

  /** The kind of a spark-ps message, or null if it is not one. */
  static String kindOf(Object message) {
    return message instanceof String[] m && m.length > 0 ? m[0] : null;
  }

  static ServerStarted decodeServerStarted(Object message) {
    String[] m = expect(message, SERVER_STARTED, 2);
    return new ServerStarted(m[1], Integer.parseInt(m[2]));
  }

  static String describe(Object message) {
    return message instanceof String[] m ? Arrays.toString(m) : String.valueOf(message);
  }
}
