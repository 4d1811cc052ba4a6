package io.sparkps.core.scheduler;

import io.sparkps.core.protocol.Message;
import io.sparkps.core.transport.Connection;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the scheduler's rooms answer and send: every reply, send and close is checked
 * against the scheduler's lock, since I/O under it would block every other request behind one
 * connection. A violation is a bug: it is logged and counted (tests assert none), and the I/O still
 * happens so no peer is left waiting. Thread-safe.
 */
final class Outbox {

  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  private final Object lock;
  /** Replies, sends and closes so far, and those made under the lock; for tests. */
  final AtomicLong calls = new AtomicLong();
  final AtomicLong underLock = new AtomicLong();

  Outbox(Object lock) {
    this.lock = lock;
  }

  /** Checks, before {@code what} is sent or closed, that the calling thread does not hold the lock. */
  void check(String what) {
    calls.incrementAndGet();
    if (Thread.holdsLock(lock)) {
      underLock.incrementAndGet();
      LOG.error("Bug: {} while holding the scheduler's lock", what, new IllegalStateException("I/O under the lock"));
    }
  }

  void reply(Connection c, long requestId, Message m) {
    check("a reply");
    c.reply(requestId, m);
  }

  /** Answers with {@code ok}, or with the error when {@code err} is set. */
  void answer(Connection c, long requestId, Throwable err, Message ok) {
    if (err == null) {
      reply(c, requestId, ok);
    } else {
      check("a failure reply");
      c.replyFailure(requestId, err);
    }
  }
}
