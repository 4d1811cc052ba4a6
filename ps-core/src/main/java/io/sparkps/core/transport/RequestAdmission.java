package io.sparkps.core.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.FrameDecoder;
import io.sparkps.core.protocol.Message;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backpressure for the requests a peer sends on one connection: each request (and one-way
 * message) is admitted before the {@link RequestHandler} sees it, holding its frame plus an upper
 * estimate of its reply ({@link RequestHandler#replyBytes}) from {@link PendingBytes} until the
 * reply's write completes, fails, or the channel closes. A request waits (FIFO, decoded) when
 *
 * <ul>
 *   <li>the connection has {@code maxInFlightRequests} requests unanswered (it is read again once
 *       half of them are answered),
 *   <li>it would hold more than {@code maxConnectionPendingBytes} (unless it holds nothing), or
 *   <li>the component's {@link PendingBytes} have not room for it (it queues there, FIFO);
 * </ul>
 *
 * <p>and while anything waits, or the channel is not writable (its outbound buffer is above the
 * high water mark), {@code autoRead} is off: a peer that does not read its replies stops being
 * read itself, and holds at most its share. Responses to this side's own requests pass straight
 * through.
 *
 * <p>A request decoded from a big frame that reserved its bytes from the inbound budget
 * ({@link FrameGuardHandler}, {@link InboundHandOver}) adopts that reservation: it then holds only
 * its reply's estimate here, and returns the inbound bytes when its own return (reply written or
 * failed, channel closed, or right after dispatch for a one-way message). Reading stops through
 * the channel's {@link ReadGate} ({@link ReadGate#ADMISSION}). Per channel, not sharable; every
 * method runs on the channel's event loop.
 */
final class RequestAdmission extends ChannelDuplexHandler implements PendingBytes.Waiter {

  private static final Logger LOG = LoggerFactory.getLogger(RequestAdmission.class);
  /** Held for a reply when the handler gives no estimate (an OK, a count, an error message). */
  static final long SMALL_REPLY_BYTES = 1024;

  private final PendingBytes budget;
  private final RequestHandler handler;
  private final String remoteAddress;
  private final int maxInFlight;
  private final int resumeBelow;
  private final long connectionLimit;
  private final long maxFrameBytes;
  private final ReadGate gate;
  /** Null when nothing is reserved inbound (tests; outgoing channels have no admission). */
  private final InboundHandOver handOver;
  /** Requests read while this connection could not admit them, in arrival order, with their bytes. */
  private final ArrayDeque<Held> waiting = new ArrayDeque<>();
  /** Bytes held by each unanswered request, by request id; duplicates of an id in {@link #duplicates}. */
  private final Map<Long, Permit> permits = new HashMap<>();
  private Map<Long, ArrayDeque<Permit>> duplicates;
  private ChannelHandlerContext ctx;
  private int inFlight;
  private long heldBytes;
  /** Set at maxInFlight, cleared once inFlight is back to half of it. */
  private boolean atLimit;
  /** The head of {@link #waiting} is queued in {@link PendingBytes}. */
  private boolean awaitingBudget;
  /** The head's bytes while {@link #awaitingBudget}; read by {@link PendingBytes} on other threads. */
  private volatile long awaitedBytes;
  private boolean draining;
  private boolean paused;
  private boolean closed;

  /** {@code bytes} from the component's budget, {@code inbound} adopted from the inbound budget. */
  private record Held(Envelope envelope, long bytes, long inbound) {
    long total() {
      return bytes + inbound;
    }
  }

  /** What an admitted request holds: {@code bytes} of the budget and {@code inbound} inbound bytes. */
  private record Permit(long bytes, long inbound) {}

  /** @param handler estimates replies; null when this side accepts no requests (errors only) */
  RequestAdmission(PendingBytes budget, RequestHandler handler, String remoteAddress, int maxInFlight,
      long connectionLimit, int maxFrameBytes) {
    this(budget, handler, remoteAddress, maxInFlight, connectionLimit, maxFrameBytes, null, null);
  }

  /**
   * @param gate the channel's read gate; null to make one in {@link #handlerAdded}
   * @param handOver inbound reservations of big frames to adopt; null for none
   */
  RequestAdmission(PendingBytes budget, RequestHandler handler, String remoteAddress, int maxInFlight,
      long connectionLimit, int maxFrameBytes, ReadGate gate, InboundHandOver handOver) {
    this.budget = budget;
    this.handler = handler;
    this.remoteAddress = remoteAddress;
    this.maxInFlight = maxInFlight;
    this.resumeBelow = Math.max(1, maxInFlight / 2);
    this.connectionLimit = connectionLimit;
    this.maxFrameBytes = maxFrameBytes;
    this.gate = gate;
    this.handOver = handOver;
  }

  private ReadGate ownGate;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (gate == null) {
      ownGate = new ReadGate(ctx.channel());
    }
  }

  private ReadGate gate() {
    return gate != null ? gate : ownGate;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Envelope envelope) || !isRequest(envelope) || closed) {
      ctx.fireChannelRead(msg);
      return;
    }
    Message request = envelope.message();
    long inbound = handOver == null ? 0
        : handOver.adopt((long) FrameDecoder.HEADER_BYTES + Math.max(0, request.encodedLength()));
    Held held = new Held(envelope, reservation(request, inbound > 0), inbound);
    if (waiting.isEmpty() && admit(held)) {
      dispatch(envelope, new Permit(held.bytes, held.inbound));
    } else {
      waiting.add(held);
      budget.changed(1, 0);
      if (waiting.size() == 1) {
        awaitBudgetIfShort();
      }
    }
    updateReading();
  }

  /** Requests and one-way messages; not responses to this side's requests nor a peer's fatal error. */
  private static boolean isRequest(Envelope e) {
    Message m = e.message();
    if (e.requestId() == 0) {
      return !(m instanceof ErrorMessage);
    }
    return !m.type().isResponse();
  }

  /** The request's frame (unless the inbound budget holds it) plus its reply's estimate, each at most a frame. */
  private long reservation(Message request, boolean frameHeldInbound) {
    long frame = frameHeldInbound ? 0
        : Math.min(maxFrameBytes, (long) FrameDecoder.HEADER_BYTES + Math.max(0, request.encodedLength()));
    long reply = handler == null ? SMALL_REPLY_BYTES : handler.replyBytes(request);
    return frame + Math.min(maxFrameBytes, Math.max(SMALL_REPLY_BYTES, reply));
  }

  /** Takes the bytes and an in-flight slot if this connection's and the component's limits allow. */
  private boolean admit(Held held) {
    if (!connectionAllows(held.total()) || !budget.tryAcquire(held.bytes)) {
      return false;
    }
    inFlight++;
    heldBytes += held.total();
    return true;
  }

  private boolean connectionAllows(long bytes) {
    if (inFlight >= maxInFlight) {
      atLimit = true;
      return false;
    }
    return heldBytes == 0 || heldBytes + bytes <= connectionLimit;
  }

  /** The head waits on this connection's own limits, or queues for the component's bytes. */
  private void awaitBudgetIfShort() {
    Held head = waiting.peek();
    if (head != null && !awaitingBudget && connectionAllows(head.total())) {
      awaitingBudget = true;
      awaitedBytes = head.bytes;
      budget.await(this);
    }
  }

  @Override
  public long bytes() {
    return awaitedBytes;
  }

  /** PendingBytes reserved the head's bytes for this connection: admit it on the event loop. */
  @Override
  public void granted() {
    long bytes = bytes();
    try {
      ctx.executor().execute(() -> admitGranted(bytes));
    } catch (RejectedExecutionException e) {
      budget.release(bytes);  // the event loop is gone, and with it the channel
    }
  }

  private void admitGranted(long bytes) {
    awaitingBudget = false;
    if (closed || !ctx.channel().isActive()) {
      budget.release(bytes);
      return;
    }
    Held head = waiting.poll();
    budget.changed(-1, 0);
    inFlight++;
    heldBytes += bytes + head.inbound;
    dispatch(head.envelope, new Permit(bytes, head.inbound));
    drain();
  }

  /** Passes an admitted request on; a one-way message holds its bytes only while it is handled. */
  private void dispatch(Envelope envelope, Permit bytes) {
    long requestId = envelope.requestId();
    if (requestId != 0) {
      Permit previous = permits.putIfAbsent(requestId, bytes);
      if (previous != null) {
        if (duplicates == null) {
          duplicates = new HashMap<>();
        }
        duplicates.computeIfAbsent(requestId, id -> new ArrayDeque<>()).add(bytes);
      }
    }
    try {
      ctx.fireChannelRead(envelope);
    } finally {
      if (requestId == 0) {
        release(bytes);
      }
    }
  }

  /** Admits waiting requests in order while the limits allow. Re-entrant calls return at once. */
  private void drain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      // A closing channel (its failed writes release bytes before channelInactive) admits nothing more.
      while (!closed && !awaitingBudget && !waiting.isEmpty() && ctx.channel().isActive()) {
        Held head = waiting.peek();
        if (!admit(head)) {
          awaitBudgetIfShort();
          break;
        }
        waiting.poll();
        budget.changed(-1, 0);
        dispatch(head.envelope, new Permit(head.bytes, head.inbound));
      }
    } finally {
      draining = false;
    }
    updateReading();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof Envelope e && e.requestId() != 0 && e.message().type().isResponse()) {
      Permit bytes = takePermit(e.requestId());
      if (bytes != null) {
        ChannelPromise p = promise.unvoid();
        p.addListener(f -> release(bytes));
        ctx.write(msg, p);
        return;
      }
    }
    ctx.write(msg, promise);
  }

  /** The bytes of an unanswered request with this id, removed; null if none (already answered or closed). */
  private Permit takePermit(long requestId) {
    if (duplicates != null) {
      ArrayDeque<Permit> more = duplicates.get(requestId);
      if (more != null) {
        Permit bytes = more.poll();
        if (more.isEmpty()) {
          duplicates.remove(requestId);
        }
        return bytes;
      }
    }
    return permits.remove(requestId);
  }

  /** A request was answered (its reply written or failed) or the channel closed under it. */
  private void release(Permit bytes) {
    budget.release(bytes.bytes);
    if (bytes.inbound > 0) {
      handOver.budget().release(bytes.inbound);
    }
    if (closed) {
      return;  // channelInactive zeroed this connection's counts
    }
    inFlight--;
    heldBytes -= bytes.bytes + bytes.inbound;
    if (atLimit && inFlight <= resumeBelow) {
      atLimit = false;
    }
    drain();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    updateReading();
    ctx.fireChannelWritabilityChanged();
  }

  /** Reads while nothing waits, the in-flight limit is not hit, and replies can be written. */
  private void updateReading() {
    boolean read = !closed && waiting.isEmpty() && !atLimit && ctx.channel().isWritable();
    if (read == paused) {
      paused = !read;
      budget.changed(0, paused ? 1 : -1);
      if (paused) {
        LOG.debug("pausing reads from {}: inFlight={}, waiting={}, heldBytes={}, writable={}", remoteAddress,
            inFlight, waiting.size(), heldBytes, ctx.channel().isWritable());
      }
      if (read) {
        gate().open(ReadGate.ADMISSION);
      } else {
        gate().close(ReadGate.ADMISSION);
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    close();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    close();
  }

  /** Returns everything this connection holds; replies written later find no permit. */
  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (awaitingBudget && budget.cancel(this)) {
      awaitingBudget = false;  // otherwise the grant is on its way and admitGranted returns it
    }
    long bytes = 0;
    long inbound = 0;
    for (Permit p : permits.values()) {
      bytes += p.bytes;
      inbound += p.inbound;
    }
    if (duplicates != null) {
      for (ArrayDeque<Permit> more : duplicates.values()) {
        for (Permit p : more) {
          bytes += p.bytes;
          inbound += p.inbound;
        }
      }
      duplicates = null;
    }
    for (Held h : waiting) {
      inbound += h.inbound;
    }
    permits.clear();
    // Counts first: whoever sees the bytes back sees this connection gone too.
    budget.changed(-waiting.size(), paused ? -1 : 0);
    budget.release(bytes);
    if (inbound > 0) {
      handOver.budget().release(inbound);
    }
    waiting.clear();
    paused = false;
    inFlight = 0;
    heldBytes = 0;
  }

  /** Requests dispatched and not answered yet (event loop only; for tests). */
  int inFlight() {
    return inFlight;
  }
}
