package io.sparkps.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.FrameDecodeException;
import io.sparkps.core.protocol.FrameDecoder;
import io.sparkps.core.protocol.FrameTooLargeException;
import io.sparkps.core.protocol.MessageDecoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * The inbound half of every pipeline, {@link FrameDecoder} then {@link MessageDecoder}, on an
 * {@link EmbeddedChannel} with a small frame limit, fed arbitrary bytes in fuzzer-chosen chunks.
 * Everything that comes out is a decoded {@link Envelope} no larger than the limit allows, a
 * {@link FrameTooLargeException} or a {@link FrameDecodeException} with a typed cause; and once
 * the channel is closed every buffer is released: each input buffer's reference count is 0 and
 * the channel's allocator holds no memory.
 *
 * <p>Inputs: {@code src/test/resources/io/sparkps/core/fuzz/FrameDecoderFuzzTestInputs/}.
 */
class FrameDecoderFuzzTest {

  private static final FuzzSupport.Counter COUNT = new FuzzSupport.Counter("FrameDecoderFuzzTest");
  /** Counts what it allocates (metric()) and is leak-tracked; one per JVM, empty between inputs. */
  private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

  @AfterAll
  static void report() {
    COUNT.report();
  }

  @FuzzTest(maxDuration = "5s")
  void arbitraryBytesDecodeToMessagesOrTypedErrors(FuzzedDataProvider data) {
    COUNT.input();
    int maxFrameBytes = data.consumeInt(FrameDecoder.HEADER_BYTES, 512);
    Outcomes out = new Outcomes();
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.config().setAllocator(ALLOC);
    channel.pipeline().addLast(new FrameDecoder(maxFrameBytes), MessageDecoder.INSTANCE, out);
    List<ByteBuf> written = new ArrayList<>();
    while (data.remainingBytes() > 0) {
      byte[] chunk = data.consumeBytes(data.consumeInt(1, 600));
      ByteBuf buf = ALLOC.buffer(chunk.length);
      buf.writeBytes(chunk);
      written.add(buf);
      channel.writeInbound(buf);
    }
    assertFalse(channel.finish(), "no envelope may reach the end of the pipeline");
    out.check(maxFrameBytes);
    for (ByteBuf buf : written) {
      assertEquals(0, buf.refCnt(), "an input buffer was not released");
    }
    assertEquals(0, ALLOC.metric().usedHeapMemory(), "the pipeline holds buffers after close");
    assertEquals(0, ALLOC.metric().usedDirectMemory(), "the pipeline holds buffers after close");
  }

  /** The last handler: collects decoded envelopes and the errors the decoders raise. */
  private static final class Outcomes extends ChannelInboundHandlerAdapter {
    private final List<Object> messages = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      messages.add(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      errors.add(cause);
    }

    void check(int maxFrameBytes) {
      for (Object m : messages) {
        Envelope e = (Envelope) m;
        long elements = FuzzSupport.elements(e.message());
        assertTrue(elements <= maxFrameBytes, () -> "a frame of at most " + maxFrameBytes
            + " bytes decoded to " + elements + " elements: " + e);
      }
      for (Throwable t : errors) {
        if (t instanceof FrameTooLargeException tooLarge) {
          assertTrue(tooLarge.frameBytes() > maxFrameBytes, tooLarge::toString);
          assertEquals(maxFrameBytes, tooLarge.maxFrameBytes());
        } else if (t instanceof FrameDecodeException bad) {
          FuzzSupport.checkTyped(bad);
        } else {
          throw new AssertionError("the decoders raised an untyped error", t);
        }
      }
    }
  }
}
