package io.sparkps.core.transport;

import io.netty.channel.Channel;

/**
 * Whether one channel is read ({@code autoRead}), decided by several handlers each with its own
 * reason to stop: reading resumes only once no reason is left, so one handler does not turn
 * reading back on while another needs it off. Per channel; event loop only.
 */
final class ReadGate {

  /** {@link RequestAdmission}: requests wait, the in-flight limit is hit, or replies cannot be written. */
  static final int ADMISSION = 1;
  /** {@link FrameGuardHandler}: a big frame waits for inbound bytes. */
  static final int INBOUND = 2;
  /** {@link FrameGuardHandler}: the connection is closing; never lifted. */
  static final int SHUT = 4;

  private final Channel channel;
  private int reasons;

  ReadGate(Channel channel) {
    this.channel = channel;
  }

  /** Stops reading for {@code reason} (until {@link #open} with the same reason). */
  void close(int reason) {
    set(reasons | reason);
  }

  /** Lifts {@code reason}; reading resumes if no other reason holds it off. */
  void open(int reason) {
    set(reasons & ~reason);
  }

  /** No reason holds reading off. */
  boolean isOpen() {
    return reasons == 0;
  }

  /** Whether {@code reason} holds reading off. */
  boolean holds(int reason) {
    return (reasons & reason) != 0;
  }

  private void set(int now) {
    boolean wasOpen = reasons == 0;
    reasons = now;
    boolean open = now == 0;
    if (open != wasOpen) {
      // After the state: setAutoRead(true) reads at once, through FrameGuardHandler.read.
      channel.config().setAutoRead(open);
    }
  }
}
