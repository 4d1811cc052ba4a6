package io.sparkps.core.server;

import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One single-threaded shard executor. Data requests enter through {@link #executeRequest}, which
 * holds at most {@code capacity} of them queued and refuses more with RESOURCE_EXHAUSTED; the
 * scheduler's control work (create, drop, checkpoint) goes through {@link #execute} unbounded, so
 * a busy lane never loses a drop. Thread-safe.
 */
final class ShardLane implements Executor {

  private final String name;
  private final ExecutorService thread;
  private final int capacity;
  private final RejectionLog rejections;
  /** Data requests queued and not yet started. */
  private final AtomicInteger queued = new AtomicInteger();

  ShardLane(String name, int capacity, RejectionLog rejections) {
    this.name = name;
    this.capacity = capacity;
    this.rejections = rejections;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /** Control work: queued whatever the load. RejectedExecutionException once shut down. */
  @Override
  public void execute(Runnable task) {
    thread.execute(task);
  }

  /**
   * Queues a data request. Throws {@link PsRemoteException} RESOURCE_EXHAUSTED when
   * {@code capacity} requests already wait (the task is not run), RejectedExecutionException once
   * shut down.
   */
  void executeRequest(Runnable task) {
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      rejections.log("lane-full", "shard lane {} is full ({} queued requests, shardQueueCapacity): answering "
          + "RESOURCE_EXHAUSTED", name, capacity);
      throw new PsRemoteException(ErrorCode.RESOURCE_EXHAUSTED, "shard lane " + name + " has " + capacity
          + " requests queued (shardQueueCapacity=" + capacity + "); retry later, send fewer concurrent requests, "
          + "or add servers or shardThreads");
    }
    try {
      thread.execute(() -> {
        queued.decrementAndGet();
        task.run();
      });
    } catch (RuntimeException e) {
      queued.decrementAndGet();
      throw e;
    }
  }

  /** Data requests waiting to start. */
  int queued() {
    return queued.get();
  }

  void shutdown() {
    thread.shutdown();
  }

  /** Waits up to {@code seconds} for queued work, then interrupts what is left. */
  void awaitTermination(long seconds) {
    try {
      if (!thread.awaitTermination(seconds, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ShardLane{" + name + ", queued=" + queued.get() + "/" + capacity + "}";
  }
}
