package io.sparkps.spark;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which executors may host a parameter server: every executor, or at most {@code spark.ps.servers}
 * of them at a time. A slot is freed when Spark removes its executor, so a replacement executor
 * hosts a server again. Thread-safe.
 */
final class ServerSlots {

  private final int max;
  private final Set<String> holders = new LinkedHashSet<>();

  /** {@code max} servers at a time; 0 means no limit. */
  ServerSlots(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("server count out of range: " + PsSparkConf.SERVERS + "=" + max
          + " (0 = every executor, or a positive number)");
    }
    this.max = max;
  }

  /** Grants {@code executorId} a slot (again, if it already holds one); null if granted, else why not. */
  synchronized String grant(String executorId) {
    if (holders.contains(executorId) || max == 0 || holders.size() < max) {
      holders.add(executorId);
      return null;
    }
    return PsSparkConf.SERVERS + "=" + max + " servers already running (on executors " + holders + ")";
  }

  /** Frees the slot of a removed executor. */
  synchronized void release(String executorId) {
    holders.remove(executorId);
  }

  synchronized int granted() {
    return holders.size();
  }
}
