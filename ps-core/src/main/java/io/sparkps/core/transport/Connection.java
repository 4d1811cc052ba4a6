package io.sparkps.core.transport;

import static io.sparkps.core.check.Checks.requireArgument;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.PsRole;
import io.sparkps.core.protocol.EncodedFrame;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.FrameDecoder;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.MessageDecoder;
import io.sparkps.core.protocol.MessageType;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.ValuesTarget;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated channel, on the client or the server side; either end may send requests,
 * replies and one-way messages over it. Futures complete on the transport's callback executor.
 * Pipelining: any number of requests may be in flight at once (each has its own id); responses
 * are matched by id, whatever order they come back in, and requests leave in the order the
 * {@code request} calls were made (one channel, writes in call order).
 * Thread-safe: every method may be called from any thread.
 */
public final class Connection {

  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

  private final Channel channel;
  private final String remoteAddress;
  private final PsConfig config;
  private final Executor callbackExecutor;
  private final OutstandingRequests outstanding;
  private final AtomicLong nextRequestId = new AtomicLong(1);
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private volatile Object attachment;
  private volatile PsRole peerRole;

  Connection(Channel channel, String remoteAddress, PsConfig config, Executor callbackExecutor) {
    this.channel = channel;
    this.remoteAddress = remoteAddress;
    this.config = config;
    this.callbackExecutor = callbackExecutor;
    this.outstanding = new OutstandingRequests(remoteAddress, callbackExecutor);
  }

  /** Sends a request with the configured deadline ({@code PsConfig.requestTimeout()}). */
  public CompletableFuture<Message> request(Message msg) {
    return request(msg, config.requestTimeout());
  }

  /**
   * Sends a request. The future completes with the response, or fails with
   * {@link PsRemoteException} (error response), {@link PsTimeoutException} (deadline passed) or
   * {@link PsTransportException} (not sent, or the connection closed first). A message larger
   * than {@code maxFrameBytes} is not sent: the future fails with a
   * {@link PsRemoteException} of code {@link ErrorCode#FRAME_TOO_LARGE}.
   *
   * @throws IllegalArgumentException if {@code msg} is a response or handshake type, or the
   *     timeout is not positive
   */
  public CompletableFuture<Message> request(Message msg, Duration timeout) {
    CompletableFuture<Message> future = new CompletableFuture<>();
    Throwable notSent = send(msg, timeout, null, outstanding.futureSink(future));
    if (notSent != null) {
      future.completeExceptionally(notSent);
    }
    return future;
  }

  /**
   * Sends a request whose outcome goes to {@code sink} on the thread that settles it, without the
   * hand-off to the callback executor that a future's completion costs (see {@link ReplySink}
   * for what a sink may do there). With a {@code target}, a VALUES reply is copied straight from
   * the frame into it (the sink then gets {@code null}); a VALUES reply of another size than the
   * target expects fails the request with {@link ErrorCode#MALFORMED_FRAME} and writes nothing.
   * Failures are those of {@link #request(Message, Duration)}; a request that cannot be sent
   * fails on the caller's thread, before this returns. Until the sink is called the target's
   * array belongs to the transport: the caller must not change or reuse it.
   *
   * @throws IllegalArgumentException as {@link #request(Message, Duration)}
   */
  public void request(Message msg, Duration timeout, ValuesTarget target, ReplySink sink) {
    Objects.requireNonNull(sink, "sink");
    Throwable notSent = send(msg, timeout, target, sink);
    if (notSent != null) {
      sink.fail(notSent);
    }
  }

  /** Registers and writes a request; returns why it was not sent (the sink not called), or null. */
  private Throwable send(Message msg, Duration timeout, ValuesTarget target, ReplySink sink) {
    Objects.requireNonNull(msg, "msg");
    Objects.requireNonNull(timeout, "timeout");
    requireArgument(!timeout.isNegative() && !timeout.isZero(),
        "request timeout must be positive: timeout=%s (> 0)", timeout);
    requireArgument(!msg.type().isResponse() && !msg.type().isHandshake(),
        "not a request type: type=%s (answer requests with reply/replyError)", msg.type());
    PsRemoteException tooLarge = checkFrameSize("request", msg);
    if (tooLarge != null) {
      return tooLarge;
    }
    if (!channel.isActive()) {
      return new PsTransportException(
          "connection to " + remoteAddress + " is closed: cannot send " + msg.type());
    }
    long requestId = nextRequestId.getAndIncrement();
    // Registered before the write, so even an instant response finds its entry.
    OutstandingRequests.Pending pending = outstanding.add(requestId, msg.type(), sink, target, timeout);
    EventLoop loop = channel.eventLoop();
    if (loop.inEventLoop()) {
      armAndWrite(pending, msg, loop);
      return null;
    }
    // One task for the deadline and the write: each task handed to a sleeping loop wakes it (an
    // eventfd write and a context switch), and a request is small next to that. Tasks run in the
    // order they were handed over, so requests still leave in call order.
    try {
      loop.execute(() -> armAndWrite(pending, msg, loop));
    } catch (RejectedExecutionException e) {
      outstanding.fail(requestId, new PsTransportException("cannot send " + msg.type() + " to "
          + remoteAddress + ": the transport is shutting down", e));
    }
    return null;
  }

  /** On the event loop: arms the request's deadline and writes it. */
  private void armAndWrite(OutstandingRequests.Pending pending, Message msg, EventLoop loop) {
    outstanding.arm(pending, loop);
    long requestId = pending.requestId;
    channel.writeAndFlush(new Envelope(requestId, msg)).addListener((ChannelFuture f) -> {
      if (!f.isSuccess()) {
        outstanding.fail(requestId, new PsTransportException("failed to send " + msg.type()
            + " to " + remoteAddress + ": " + f.cause(), f.cause()));
        channel.close();
      }
    });
  }

  /**
   * Sends a message that gets no response (request id 0), e.g. a routing update or a
   * heartbeat. Failures to send are logged.
   *
   * @throws PsRemoteException with {@link ErrorCode#FRAME_TOO_LARGE} when it exceeds
   *     {@code maxFrameBytes}
   * @throws IllegalArgumentException for handshake types
   */
  public void sendOneWay(Message msg) {
    Objects.requireNonNull(msg, "msg");
    requireArgument(!msg.type().isHandshake(),
        "handshake messages are sent by the transport itself: type=%s", msg.type());
    PsRemoteException tooLarge = checkFrameSize("one-way message", msg);
    if (tooLarge != null) {
      throw tooLarge;
    }
    write(0, msg);
  }

  /**
   * Answers request {@code requestId}. A response larger than {@code maxFrameBytes} is replaced
   * by a {@link ErrorCode#FRAME_TOO_LARGE} error, so the peer gets an answer either way. A reply
   * to a one-way message ({@code requestId == 0}) is dropped: handlers can answer uniformly.
   *
   * @throws IllegalArgumentException if {@code response} is not a response type
   */
  public void reply(long requestId, Message response) {
    Objects.requireNonNull(response, "response");
    requireArgument(response.type().isResponse(),
        "not a response type: type=%s (send requests with request/sendOneWay)", response.type());
    if (requestId == 0) {
      LOG.debug("dropping reply {} to a one-way message from {}", response.type(), remoteAddress);
      return;
    }
    Message toSend = response;
    PsRemoteException tooLarge = checkFrameSize("response", response);
    if (tooLarge != null) {
      LOG.warn("replying FRAME_TOO_LARGE to request {} from {}: {}", requestId, remoteAddress,
          tooLarge.detail());
      toSend = new ErrorMessage(tooLarge.code(), tooLarge.detail());
    }
    write(requestId, toSend);
  }

  /** Answers request {@code requestId} with an error. */
  public void replyError(long requestId, ErrorCode code, String message) {
    reply(requestId, new ErrorMessage(code, message));
  }

  /**
   * Answers request {@code requestId} with the error for {@code failure}
   * ({@link ErrorMessage#from}): the one place a failure becomes an error reply. An unclassified
   * failure (a bug) is logged here once, with its stack trace, since only its message travels;
   * a classified one is the peer's to report. A one-way message ({@code requestId} 0) gets no
   * reply, but its failure is logged the same way.
   */
  public void replyFailure(long requestId, Throwable failure) {
    ErrorMessage error = ErrorMessage.from(failure);
    if (error.code() == ErrorCode.INTERNAL) {
      LOG.error("request {} from {} failed", requestId, remoteAddress, failure);
    } else {
      LOG.debug("request {} from {} failed: {} {}", requestId, remoteAddress, error.code(), error.message());
    }
    if (requestId != 0) {
      reply(requestId, error);
    }
  }

  public boolean isActive() {
    return channel.isActive();
  }

  /** The peer as {@code host:port}. */
  public String remoteAddress() {
    return remoteAddress;
  }

  /** Requests sent on this connection that still await their response. */
  public int outstandingRequests() {
    return outstanding.size();
  }

  /** Completes (on the callback executor) once the channel has closed. */
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  /** Closes the channel; outstanding requests fail with {@link PsTransportException}. */
  public void close() {
    channel.close();
  }

  /** Stores an object for the application (e.g. the server id the scheduler assigned). */
  public void attach(Object o) {
    attachment = o;
  }

  public Object attachment() {
    return attachment;
  }

  /**
   * The peer's role as the handshake established it: proven by its MAC when authentication is
   * on, only claimed when it is off. Set before the connection is handed to anyone.
   */
  public PsRole peerRole() {
    return peerRole;
  }

  @Override
  public String toString() {
    return "Connection{remote=" + remoteAddress + ", peer=" + peerRole + ", active=" + channel.isActive()
        + ", outstanding=" + outstanding.size() + "}";
  }

  // ---- used by the channel handlers (event loop) ----------------------------------------------

  /** The handshake proved (or, without keys, the peer claimed) {@code role}. */
  void authenticated(PsRole role) {
    this.peerRole = role;
    // Only now: nothing an unauthenticated peer sends may write into a caller's array.
    channel.attr(MessageDecoder.DIRECT_REPLIES).set(outstanding);
  }

  /** The stream can no longer be trusted: replies stop being read into callers' arrays. */
  void stopDirectReplies() {
    channel.attr(MessageDecoder.DIRECT_REPLIES).set(null);
  }

  OutstandingRequests outstanding() {
    return outstanding;
  }

  Channel channel() {
    return channel;
  }

  /** The channel closed: fail everything still waiting, then signal closeFuture. */
  void channelClosed() {
    int n = outstanding.size();
    if (n > 0) {
      LOG.debug("connection to {} closed with {} outstanding requests", remoteAddress, n);
    }
    outstanding.failAll(p -> new PsTransportException("connection to " + remoteAddress
        + " closed with " + n + " outstanding requests (this one: " + p.type + ", requestId="
        + p.requestId + ")"));
    Runnable signal = () -> closeFuture.complete(null);
    try {
      callbackExecutor.execute(signal);
    } catch (RejectedExecutionException e) {
      signal.run();
    }
  }

  /** Sends a connection-level error (request id 0) and closes once it is written. */
  void closeWithError(ErrorCode code, String detail) {
    channel.writeAndFlush(new Envelope(0, new ErrorMessage(code, detail)))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void write(long requestId, Message msg) {
    // The listener keeps the type only: the message (a reply's arrays) is garbage once encoded,
    // even while a slow peer leaves the write pending.
    MessageType type = msg.type();
    EncodedFrame encoded = msg instanceof EncodedFrame e ? e : null;
    channel.writeAndFlush(new Envelope(requestId, msg)).addListener((ChannelFuture f) -> {
      if (encoded != null) {
        encoded.releaseIfNotTaken();  // a reply the closing channel dropped before its encoder
      }
      if (!f.isSuccess()) {
        if (channel.isActive()) {
          LOG.warn("failed to send {} (requestId={}) to {}", type, requestId, remoteAddress, f.cause());
        } else {
          // The peer went away (a stopped or killed process): expected, and its closing is handled.
          LOG.debug("not sent, connection closed: {} (requestId={}) to {}", type, requestId, remoteAddress);
        }
      }
    });
  }

  /** The error for a message whose frame would exceed maxFrameBytes, or null if it fits. */
  private PsRemoteException checkFrameSize(String what, Message msg) {
    int body = msg.encodedLength();
    long frameBytes = (long) FrameDecoder.HEADER_BYTES + body;
    if (body >= 0 && frameBytes <= config.maxFrameBytes()) {
      return null;
    }
    return new PsRemoteException(ErrorCode.FRAME_TOO_LARGE, what + " " + msg.type() + " of "
        + (body < 0 ? "more than 2^31" : frameBytes) + " bytes exceeds maxFrameBytes="
        + config.maxFrameBytes()
        + "; raise spark.ps.maxFrameBytes or send smaller batches");
  }
}
