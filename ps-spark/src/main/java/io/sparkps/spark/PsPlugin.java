package io.sparkps.spark;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * The Spark plugin that runs spark-ps inside an application: the driver part starts the scheduler,
 * the executor part starts a parameter server in each executor (or in {@code spark.ps.servers} of
 * them). Enable with {@code --conf spark.plugins=io.sparkps.spark.PsPlugin}; then
 * {@code PsContext.getOrCreate(spark)} finds it. In {@code local[*]} the server runs in the driver.
 */
public final class PsPlugin implements SparkPlugin {

  @Override
  public DriverPlugin driverPlugin() {
    return new PsDriverPlugin();
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new PsExecutorPlugin();
  }
}
