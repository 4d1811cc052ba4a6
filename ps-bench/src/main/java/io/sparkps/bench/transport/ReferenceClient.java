package io.sparkps.bench.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A blocking client of {@link ReferenceServer}: one socket, one request in flight, reusable
 * direct buffers; pulls return a new array, as spark-ps's {@code pull} does.
 *
 * <p>NOT thread-safe: one caller thread per client (each benchmark client has its own).
 */
public final class ReferenceClient implements AutoCloseable {

  private final SocketChannel ch;
  private ByteBuffer out = ReferenceServer.direct(1 << 16);
  private ByteBuffer in = ReferenceServer.direct(1 << 16);

  private ReferenceClient(SocketChannel ch) {
    this.ch = ch;
  }

  public static ReferenceClient connect(int port) throws IOException {
    SocketChannel ch = SocketChannel.open();
    try {
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ch.connect(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    return new ReferenceClient(ch);
  }

  /** The whole dense row of {@code table}. */
  public float[] densePull(BenchTable table) throws IOException {
    request(RefProtocol.OP_PULL, table, 0, 0);
    writeRequest();
    return readFloats();
  }

  public void densePush(BenchTable table, float[] values) throws IOException {
    request(RefProtocol.OP_PUSH, table, values.length, 4L * values.length);
    out.asFloatBuffer().put(values);
    out.position(out.position() + 4 * values.length);
    writeRequest();
    readFloats();
  }

  /** The rows of {@code keys}, row-major. */
  public float[] sparsePull(BenchTable table, long[] keys) throws IOException {
    request(RefProtocol.OP_PULL, table, keys.length, 8L * keys.length);
    putKeys(keys);
    writeRequest();
    return readFloats();
  }

  public void sparsePush(BenchTable table, long[] keys, float[] values) throws IOException {
    request(RefProtocol.OP_PUSH, table, keys.length, 8L * keys.length + 4L * values.length);
    putKeys(keys);
    out.asFloatBuffer().put(values);
    out.position(out.position() + 4 * values.length);
    writeRequest();
    readFloats();
  }

  private void request(byte op, BenchTable table, int n, long payloadBytes) {
    out = ReferenceServer.ensure(out, 4 + RefProtocol.REQUEST_HEADER + payloadBytes);
    out.clear();
    out.putInt(0);  // length, set in writeRequest
    out.put(op);
    out.put((byte) table.ordinal());
    out.putInt(n);
  }

  private void putKeys(long[] keys) {
    out.asLongBuffer().put(keys);
    out.position(out.position() + 8 * keys.length);
  }

  private void writeRequest() throws IOException {
    out.putInt(0, out.position() - 4);
    out.flip();
    ReferenceServer.writeFully(ch, out);
  }

  private float[] readFloats() throws IOException {
    in.clear().limit(4);
    ReferenceServer.readFully(ch, in);
    int bytes = in.getInt(0);
    in = ReferenceServer.ensure(in, bytes);
    in.clear().limit(bytes);
    ReferenceServer.readFully(ch, in);
    in.flip();
    byte status = in.get();
    if (status != RefProtocol.STATUS_OK) {
      throw new IOException("reference server answered status=" + status);
    }
    float[] result = new float[(bytes - RefProtocol.RESPONSE_HEADER) / 4];
    in.asFloatBuffer().get(result);
    return result;
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
