package io.sparkps.core.transport;

import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.ValuesTarget;

/**
 * Receives the outcome of one request sent with
 * {@link Connection#request(Message, java.time.Duration, ValuesTarget, ReplySink)}: exactly one of
 * the two methods is called, once, <em>on whichever thread settles the request</em>: the event
 * loop for a response, a deadline or a closed channel, the caller's thread when it cannot be sent.
 * That is the point (no hand-off to the callback executor), and the contract: an implementation
 * does a bounded amount of the library's own work (merging a reply, counting down, completing a
 * future that only a blocked caller waits on) and never runs user code or blocks. User-facing
 * futures go through the callback executor instead.
 */
public interface ReplySink {

  /**
   * The response; {@code null} when it was a VALUES reply read straight into the request's
   * {@link ValuesTarget}.
   */
  void complete(Message response);

  /** The request failed, as {@link Connection#request(Message, java.time.Duration)} documents. */
  void fail(Throwable failure);
}
