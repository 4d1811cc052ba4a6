package io.sparkps.core.server;

import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One serial shard executor: its tasks run one at a time, in the order they were submitted.
 * Data requests enter through {@link #executeRequest}, which holds at most {@code capacity} of
 * them queued and refuses more with RESOURCE_EXHAUSTED; the scheduler's control work (create,
 * drop, checkpoint) goes through {@link #execute} unbounded, so a busy lane never loses a drop.
 *
 * <p>A small data request may run on the submitting thread ({@link #executeRequest} with
 * {@code inline} true) when the lane is idle: nothing queued and nothing running. That saves
 * the two thread wake-ups of handing the request to the lane thread and its reply back, which
 * dominate a small request's cost. Whoever runs a task holds {@link #running}; the lane thread
 * drains the queue whenever it can take it. So tasks never overlap and a submitter's tasks run
 * in its order: an inline task runs only when the queue was empty with {@link #running} held,
 * i.e. after everything submitted before it finished. Thread-safe.
 */
final class ShardLane implements Executor {

  private static final Logger LOG = LoggerFactory.getLogger(ShardLane.class);

  private final String name;
  private final int capacity;
  private final RejectionLog rejections;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Held by whoever runs a task: the lane thread draining, or a submitter running inline. */
  private final AtomicBoolean running = new AtomicBoolean();
  /** Data requests queued and not yet started. */
  private final AtomicInteger queued = new AtomicInteger();
  private final Thread thread;
  /** No new work accepted; the lane thread exits once the queue is empty. */
  private volatile boolean shutdown;
  /** awaitTermination timed out: queued tasks are dropped, the running one interrupted. */
  private volatile boolean abandoned;

  ShardLane(String name, int capacity, RejectionLog rejections) {
    this.name = name;
    this.capacity = capacity;
    this.rejections = rejections;
    this.thread = new Thread(this::loop, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Control work: queued whatever the load. RejectedExecutionException once shut down. */
  @Override
  public void execute(Runnable task) {
    enqueue(task);
  }

  /** Queues a data request on the lane thread; see {@link #executeRequest(Runnable, boolean)}. */
  void executeRequest(Runnable task) {
    executeRequest(task, false);
  }

  /**
   * Runs a data request: on the calling thread, before returning, when {@code inline} and the
   * lane is idle; otherwise queued for the lane thread. Throws {@link PsRemoteException}
   * RESOURCE_EXHAUSTED when {@code capacity} requests already wait (the task is not run),
   * RejectedExecutionException once shut down. An inline task's exceptions reach the caller.
   */
  void executeRequest(Runnable task, boolean inline) {
    if (shutdown) {
      throw new RejectedExecutionException("shard lane " + name + " is shut down");
    }
    if (inline && running.compareAndSet(false, true)) {
      if (shutdown) {
        // Checked again while holding the lane: the lane thread may have seen it idle and left,
        // and close() goes on to close the stores once it has.
        release();
        throw new RejectedExecutionException("shard lane " + name + " is shut down");
      }
      // Empty queue while holding the lane: everything submitted before this task has finished.
      if (tasks.isEmpty()) {
        try {
          task.run();
        } finally {
          release();
        }
        return;
      }
      release();
    }
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      rejections.log("lane-full", "shard lane {} is full ({} queued requests, shardQueueCapacity): answering "
          + "RESOURCE_EXHAUSTED", name, capacity);
      throw new PsRemoteException(ErrorCode.RESOURCE_EXHAUSTED, "shard lane " + name + " has " + capacity
          + " requests queued (shardQueueCapacity=" + capacity + "); retry later, send fewer concurrent requests, "
          + "or add servers or shardThreads");
    }
    try {
      enqueue(() -> {
        queued.decrementAndGet();
        task.run();
      });
    } catch (RuntimeException e) {
      queued.decrementAndGet();
      throw e;
    }
  }

  private void enqueue(Runnable task) {
    if (shutdown) {
      throw new RejectedExecutionException("shard lane " + name + " is shut down");
    }
    tasks.add(task);
    LockSupport.unpark(thread);
    if (!thread.isAlive() && tasks.remove(task)) {
      // Shut down between the check and the add, and the lane thread already left: nobody would run it.
      throw new RejectedExecutionException("shard lane " + name + " is shut down");
    }
  }

  /**
   * Gives the lane up after an inline task; re-checks the queue afterwards, since a task queued
   * while this thread held the lane found it busy and the lane thread may have gone back to sleep.
   */
  private void release() {
    running.set(false);
    if (!tasks.isEmpty() || shutdown) {
      LockSupport.unpark(thread);
    }
  }

  /** The lane thread: drains the queue whenever it can take the lane, parks when there is nothing to do. */
  private void loop() {
    while (!abandoned) {
      if (!tasks.isEmpty() && running.compareAndSet(false, true)) {
        try {
          Runnable task;
          while (!abandoned && (task = tasks.poll()) != null) {
            runTask(task);
          }
        } finally {
          running.set(false);
        }
        continue;  // a submitter may have found the lane busy and queued meanwhile
      }
      if (shutdown && tasks.isEmpty() && !running.get()) {
        return;
      }
      // Woken by enqueue, by an inline runner releasing with work queued, or by shutdown.
      LockSupport.park(this);
      Thread.interrupted();  // an interrupt is only the abandon signal, checked above
    }
  }

  private void runTask(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      // The lane must outlive a failing task (a thread pool would start a new thread); data
      // requests answer their own failures, so this is a bug in control work.
      LOG.error("task on shard lane {} failed", name, e);
    }
  }

  /** Data requests waiting to start. */
  int queued() {
    return queued.get();
  }

  void shutdown() {
    shutdown = true;
    LockSupport.unpark(thread);
  }

  /** Waits up to {@code seconds} for queued work, then interrupts what is left and drops the queue. */
  void awaitTermination(long seconds) {
    try {
      thread.join(TimeUnit.SECONDS.toMillis(seconds));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      abandoned = true;
      thread.interrupt();
    }
  }

  @Override
  public String toString() {
    return "ShardLane{" + name + ", queued=" + queued.get() + "/" + capacity + "}";
  }
}
