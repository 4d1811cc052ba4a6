package io.sparkps.core.transport;

/**
 * Hands the inbound bytes a big frame reserved ({@link FrameGuardHandler}) over to the request
 * decoded from it ({@link RequestAdmission}). The guard offers the reservation just before it
 * forwards the chunk that completes the frame; frame decoder, message decoder and auth handler
 * run synchronously inside that forward, so admission sees the decoded request within it and
 * adopts the bytes (then holds them until the request's bytes are released); after the forward
 * the guard withdraws whatever nobody adopted (a response, an error, a frame that failed to
 * decode) and returns it. Per accepted channel; event loop only.
 */
final class InboundHandOver {

  private final PendingBytes budget;
  private long frameLength = -1;
  private long bytes;

  InboundHandOver(PendingBytes budget) {
    this.budget = budget;
  }

  /** The component's budget of inbound bytes in transit. */
  PendingBytes budget() {
    return budget;
  }

  /** The frame of {@code frameLength} bytes (after its length field) holds {@code bytes}. */
  void offer(long frameLength, long bytes) {
    if (this.frameLength >= 0) {
      throw new IllegalStateException("a reservation is already offered: frameLength=" + this.frameLength);
    }
    this.frameLength = frameLength;
    this.bytes = bytes;
  }

  /**
   * Takes the offered bytes for a request whose frame is {@code frameLength} bytes; 0 when
   * nothing is offered or the lengths differ (then the request reserves its frame itself).
   */
  long adopt(long frameLength) {
    if (this.frameLength < 0 || this.frameLength != frameLength) {
      return 0;
    }
    long taken = bytes;
    this.frameLength = -1;
    bytes = 0;
    return taken;
  }

  /** Ends the offer; returns the bytes nobody adopted (the caller releases them). */
  long withdraw() {
    long left = frameLength < 0 ? 0 : bytes;
    frameLength = -1;
    bytes = 0;
    return left;
  }
}
