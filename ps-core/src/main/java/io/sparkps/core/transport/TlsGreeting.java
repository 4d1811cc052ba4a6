package io.sparkps.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.MessageEncoder;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The plaintext greeting a TLS server sends before the TLS handshake, so that a peer configured
 * differently fails at once with a clear error instead of both sides waiting for the other until
 * the connect timeout (a TLS server waits for the client's hello; a plaintext client waits for the
 * server's challenge). The greeting is an ordinary UNAUTHENTICATED error frame: a plaintext client
 * reads it as a refusal that says what to set; a TLS client checks it byte for byte and only then
 * starts the handshake, and fails if the server sends anything else (a plaintext server's challenge).
 * It carries nothing secret and grants nothing: all protocol traffic follows inside TLS.
 */
final class TlsGreeting {

  static final String REFUSAL = "this spark-ps endpoint requires TLS on the data plane and this"
      + " client does not use it: turn encryption on everywhere (spark.ps.encryption=on, or"
      + " spark.ssl.enabled / spark.network.crypto.enabled; PsConfig.Builder.tls in ps-core)";

  private static final byte[] BYTES = encode();

  private TlsGreeting() {}

  private static byte[] encode() {
    ByteBuf frame = MessageEncoder.encode(UnpooledByteBufAllocator.DEFAULT,
        new Envelope(0, new ErrorMessage(ErrorCode.UNAUTHENTICATED, REFUSAL)));
    try {
      return ByteBufUtil.getBytes(frame);
    } finally {
      frame.release();
    }
  }

  /**
   * Server side, first in the pipeline: writes the greeting in plaintext when the channel becomes
   * active, then leaves the pipeline. Stateless, so one shared instance.
   */
  @ChannelHandler.Sharable
  static final class Writer extends ChannelInboundHandlerAdapter {
    static final Writer INSTANCE = new Writer();

    private Writer() {}

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(BYTES));
      ctx.fireChannelActive();
      ctx.pipeline().remove(this);
    }
  }

  /**
   * Client side, first in the pipeline: holds back {@code channelActive} (which would start the
   * TLS handshake) until the server's greeting has arrived intact, then leaves the pipeline. Any
   * other first bytes fail the connect with a {@link PsTransportException} and close the channel.
   * Per channel, not sharable; runs on its event loop.
   */
  static final class Reader extends ByteToMessageDecoder {
    private final String remoteAddress;
    private final CompletableFuture<Connection> handshake;
    private int matched;
    private boolean failed;

    /**
     * @param handshake failed here, on the event loop, so this explanation wins over the later
     *     "connection closed" of the handlers behind
     */
    Reader(String remoteAddress, CompletableFuture<Connection> handshake) {
      this.remoteAddress = remoteAddress;
      this.handshake = handshake;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      // Held back until the greeting is complete: see decode.
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (failed) {
        in.skipBytes(in.readableBytes());
        return;
      }
      while (in.isReadable() && matched < BYTES.length) {
        if (in.readByte() != BYTES[matched]) {
          failed = true;
          in.skipBytes(in.readableBytes());
          handshake.completeExceptionally(new PsTransportException("server " + remoteAddress
              + " does not use TLS (it answered in plaintext) but this client requires it: turn"
              + " encryption on for the servers and the scheduler too, or off here"
              + " (spark.ps.encryption; PsConfig.Builder.tls in ps-core)"));
          ctx.close();
          return;
        }
        matched++;
      }
      if (matched == BYTES.length) {
        ctx.fireChannelActive();  // the TLS handler behind starts the handshake
        ctx.pipeline().remove(this);
      }
    }
  }
}
