package io.sparkps.spark;

import org.apache.spark.sql.SparkSession;

/** SparkSessions for tests: local mode on loopback, no UI, small shuffles. */
final class LocalSpark {

  private LocalSpark() {}

  static SparkSession.Builder builder(String master, boolean plugin) {
    SparkSession.Builder b = SparkSession.builder()
        .master(master)
        .appName("spark-ps-test")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ps.heartbeat.interval", "500ms")
        .config("spark.ps.heartbeat.timeout", "5s");
    return plugin ? b.config("spark.plugins", PsPlugin.class.getName()) : b;
  }
}
