package io.sparkps.core.testing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.MessageDecoder;
import io.sparkps.core.protocol.MessageEncoder;
import io.sparkps.core.protocol.PsRemoteException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Shared test configuration and helpers. */
public final class TransportTesting {

  public static final int MAX_FRAME = 64 * 1024;
  public static final long WAIT_SECONDS = 20;

  private TransportTesting() {}

  public static PsConfig.Builder configBuilder() {
    return PsConfig.builder()
        .maxFrameBytes(MAX_FRAME)
        .ioThreads(2)
        .requestTimeout(Duration.ofSeconds(30));
  }

  public static PsConfig config() {
    return configBuilder().build();
  }

  public static PsConfig config(byte[] secret) {
    return configBuilder().secret(secret).build();
  }

  public static <T> T await(Future<T> f) throws Exception {
    return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** The cause a future failed with, asserted to be of {@code type}. */
  public static <E extends Throwable> E failure(Future<?> f, Class<E> type) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> f.get(WAIT_SECONDS, TimeUnit.SECONDS));
    return assertInstanceOf(type, e.getCause(), () -> "unexpected failure: " + e.getCause());
  }

  public static PsRemoteException remoteFailure(Future<?> f) {
    return failure(f, PsRemoteException.class);
  }

  /** One frame, encoded as the transport would, as bytes. */
  public static byte[] frameBytes(Envelope e) {
    return frameBytes(ByteBufAllocator.DEFAULT, e);
  }

  /** One frame as bytes, encoded in a buffer from {@code alloc} (fuzz targets: a fast, untracked one). */
  public static byte[] frameBytes(ByteBufAllocator alloc, Envelope e) {
    ByteBuf buf = MessageEncoder.encode(alloc, e);
    try {
      byte[] b = new byte[buf.readableBytes()];
      buf.readBytes(b);
      return b;
    } finally {
      buf.release();
    }
  }

  /** Decodes a frame body (after the length field). */
  public static Envelope decode(byte[] frame) {
    ByteBuf buf = Unpooled.wrappedBuffer(frame);
    try {
      return MessageDecoder.decode(buf);
    } finally {
      buf.release();
    }
  }
}
