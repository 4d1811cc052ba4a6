package io.sparkps.spark;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;

/**
 * How many tasks this application can run at once: gated training needs one slot per partition,
 * all at the same time. Stateless.
 */
final class TaskSlots {

  private TaskSlots() {}

  static int available(SparkContext sc) {
    int taskCpus = sc.getConf().getInt("spark.task.cpus", 1);
    String master = sc.master();
    int cores;
    if (master.startsWith("local-cluster")) {
      String[] parts = master.substring(master.indexOf('[') + 1, master.indexOf(']')).split(",");
      cores = Integer.parseInt(parts[0].trim()) * Integer.parseInt(parts[1].trim());
    } else if (master.startsWith("local")) {
      cores = localCores(master);
    } else {
      int executors = executors(sc);
      int perExecutor = sc.getConf().getInt("spark.executor.cores", 0);
      // Without spark.executor.cores, standalone executors take every core of their worker: Spark's
      // default parallelism is then the total core count.
      cores = perExecutor > 0 ? executors * perExecutor : sc.defaultParallelism();
    }
    return Math.max(0, cores / Math.max(1, taskCpus));
  }

  /**
   * Executors registered now. The scheduler backend learns of an executor before its block
   * manager registers, so the larger of the two counts is the one to trust right after start.
   */
  static int executors(SparkContext sc) {
    int withBlockManager = Math.max(0, sc.getExecutorMemoryStatus().size() - 1);
    int registered;
    try {
      registered = sc.getExecutorIds().size();  // Scala private[spark]: public in bytecode
    } catch (UnsupportedOperationException e) {
      registered = 0;  // a scheduler backend that does not track executors
    }
    return Math.max(withBlockManager, registered);
  }

  private static int localCores(String master) {
    if (master.equals("local")) {
      return 1;
    }
    String inner = master.substring(master.indexOf('[') + 1, master.indexOf(']'));
    String threads = inner.split(",")[0].trim();
    return threads.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(threads);
  }

  /**
   * Tasks the registered executors can run at once, counted exactly as Spark's check before a
   * barrier stage counts them ({@code SparkContext.maxNumConcurrentTasks}, public in bytecode).
   */
  static int concurrentTasks(SparkContext sc) {
    return sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
  }

  /**
   * Waits until the executors can run {@code needed} tasks at once, or {@code timeout} passed;
   * returns whether they can. A barrier stage submitted with too few slots waits in Spark's own
   * check, which looks again only every 15 s ({@code
   * spark.scheduler.barrier.maxConcurrentTasksCheck.interval}): after a lost executor that made
   * resumed runs wait 15 s for a replacement that had registered after 4. Waiting here, on the
   * executor-added events, resubmits as soon as the replacement registers.
   */
  static boolean await(SparkContext sc, int needed, Duration timeout) throws InterruptedException {
    if (concurrentTasks(sc) >= needed) {
      return true;
    }
    CompletableFuture<Void> enough = new CompletableFuture<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onExecutorAdded(SparkListenerExecutorAdded added) {
        if (concurrentTasks(sc) >= needed) {
          enough.complete(null);
        }
      }
    };
    sc.addSparkListener(listener);
    try {
      if (concurrentTasks(sc) >= needed) {  // one registered before the listener was added
        return true;
      }
      enough.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return concurrentTasks(sc) >= needed;
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for task slots failed", e.getCause());
    } finally {
      sc.removeSparkListener(listener);
    }
  }
}
