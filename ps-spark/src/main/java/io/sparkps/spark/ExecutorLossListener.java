package io.sparkps.spark;

import io.sparkps.core.scheduler.PsScheduler;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Treats the parameter server of an executor Spark reports removed as lost at once. Its closed
 * connection usually tells the scheduler first, but a host that vanished without closing its
 * sockets would otherwise take the whole heartbeat timeout. Learns which server each executor
 * hosts from the executors' reports. Thread-safe.
 */
final class ExecutorLossListener extends SparkListener {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorLossListener.class);

  private final PsScheduler scheduler;
  private final ServerSlots slots;
  private final ConcurrentHashMap<String, Integer> serverOf = new ConcurrentHashMap<>();

  ExecutorLossListener(PsScheduler scheduler, ServerSlots slots) {
    this.scheduler = scheduler;
    this.slots = slots;
  }

  /** Records that {@code executorId} hosts server {@code serverId}. */
  void serverStarted(String executorId, int serverId) {
    Integer before = serverOf.put(executorId, serverId);
    if (before == null || before != serverId) {
      LOG.debug("Executor {} hosts parameter server {}", executorId, serverId);
    }
  }

  @Override
  public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
    slots.release(removed.executorId());
    Integer server = serverOf.remove(removed.executorId());
    if (server != null) {
      LOG.info("Spark removed executor {} ({}); its parameter server {} is lost", removed.executorId(),
          removed.reason(), server);
      scheduler.serverLost(server, "Spark removed its executor " + removed.executorId() + ": " + removed.reason());
    }
  }
}
