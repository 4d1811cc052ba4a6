package io.sparkps.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.FrameDecoder;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.MessageDecoder;
import io.sparkps.core.protocol.MessageEncoder;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.PushId;
import io.sparkps.core.protocol.PushMessage;
import io.sparkps.core.protocol.PushMode;
import io.sparkps.core.protocol.ValuesMessage;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The frame codec on a data-plane message of {@code keys} keys x {@code dim} floats: encode
 * ({@link MessageEncoder#encode} into a pooled direct buffer, as the pipeline does), decode
 * ({@link MessageDecoder#decode} of a ready frame) and both. Scores are messages per second; the
 * frame sizes are PULL 8 + 8 keys, VALUES 4 keys x dim, PUSH 8 keys + 4 keys x dim bytes (plus
 * headers).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBench {

  @Param({"PULL", "VALUES", "PUSH"})
  public String message;

  @Param({"10000"})
  public int keys;

  @Param({"16"})
  public int dim;

  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private Envelope envelope;
  private ByteBuf encoded;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom rnd = new SplittableRandom(42);
    long[] k = rnd.longs(keys, 0, 1_000_000).sorted().toArray();
    float[] v = new float[keys * dim];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextDouble();
    }
    Message m = switch (message) {
      case "PULL" -> new PullMessage(1, 0, k);
      case "VALUES" -> new ValuesMessage(v);
      case "PUSH" -> new PushMessage(1, 0, PushMode.UPDATE, PushId.NONE, k, v, false);
      default -> throw new IllegalArgumentException("unknown message: " + message + " (PULL, VALUES, PUSH)");
    };
    envelope = new Envelope(7, m);
    encoded = MessageEncoder.encode(alloc, envelope);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    encoded.release();
  }

  @Benchmark
  public int encode() {
    ByteBuf frame = MessageEncoder.encode(alloc, envelope);
    int n = frame.readableBytes();
    frame.release();
    return n;
  }

  @Benchmark
  public Message decode() {
    ByteBuf frame = encoded.duplicate();
    frame.skipBytes(FrameDecoder.LENGTH_FIELD_BYTES);
    return MessageDecoder.decode(frame).message();
  }

  @Benchmark
  public Message encodeDecode() {
    ByteBuf frame = MessageEncoder.encode(alloc, envelope);
    try {
      frame.skipBytes(FrameDecoder.LENGTH_FIELD_BYTES);
      return MessageDecoder.decode(frame).message();
    } finally {
      frame.release();
    }
  }
}
