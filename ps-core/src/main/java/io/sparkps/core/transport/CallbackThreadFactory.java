package io.sparkps.core.transport;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads named {@code prefix-N} that remember which factory made them, so
 * {@link PsTransportContext#close()} can tell when it is called from its own callback pool
 * (and must not wait for that pool to terminate). Thread-safe.
 */
final class CallbackThreadFactory implements ThreadFactory {

  private final String prefix;
  private final AtomicInteger next = new AtomicInteger();

  CallbackThreadFactory(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public Thread newThread(Runnable r) {
    Thread t = new OwnedThread(this, r, prefix + "-" + next.getAndIncrement());
    t.setDaemon(true);
    return t;
  }

  boolean ownsCurrentThread() {
    return Thread.currentThread() instanceof OwnedThread t && t.owner == this;
  }

  private static final class OwnedThread extends Thread {
    private final CallbackThreadFactory owner;

    OwnedThread(CallbackThreadFactory owner, Runnable r, String name) {
      super(r, name);
      this.owner = owner;
    }
  }
}
