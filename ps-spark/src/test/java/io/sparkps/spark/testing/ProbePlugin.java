package io.sparkps.spark.testing;

import java.util.Map;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * A Spark plugin whose executor side records, in a system property of the executor JVM
 * ({@value #PROPERTY}), that it was initialized and with which executor id. Tests use it to check
 * that plugins shipped the way spark-ps's is (spark.jars / extraClassPath) start in executors.
 */
public final class ProbePlugin implements SparkPlugin {

  public static final String PROPERTY = "ps.test.probePlugin.executorId";

  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void init(PluginContext ctx, Map<String, String> extraConf) {
        System.setProperty(PROPERTY, ctx.executorID());
      }
    };
  }
}
