package io.sparkps.bench.transport;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The minimal reference parameter server of BENCHMARKS.md ("the naive JVM design"): plain
 * blocking sockets, one thread per connection, little-endian bulk copies through NIO views, no
 * framework. It holds what spark-ps holds in the benchmark: a dense {@code float[rows]} row and a
 * {@code ConcurrentHashMap<Long, float[]>} of sparse rows, each once with the sum updater and once
 * with AdaGrad (whose rows are {@code float[2 * dim]}: weights, then the squared-gradient sums).
 *
 * <p>Pushes lock the row they change ({@code synchronized} on the row array); pulls copy without a
 * lock, as the naive design does. AdaGrad is computed exactly as spark-ps's {@code AdagradUpdater}
 * (double arithmetic, stored as float), so both systems return the same values for the same pushes.
 *
 * <p>Thread-safe: any number of connections.
 */
public final class ReferenceServer implements AutoCloseable {

  private final int dim;
  private final float[] denseSum;
  private final float[] denseAdagrad;
  private final ConcurrentHashMap<Long, float[]> sparseSum;
  private final ConcurrentHashMap<Long, float[]> sparseAdagrad;
  private final ServerSocketChannel listener;
  private final Thread acceptor;
  private final List<SocketChannel> connections = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private ReferenceServer(int denseFloats, int dim, int expectedKeys) throws IOException {
    this.dim = dim;
    this.denseSum = new float[denseFloats];
    this.denseAdagrad = new float[2 * denseFloats];
    this.sparseSum = new ConcurrentHashMap<>(Math.max(16, expectedKeys * 4 / 3 + 1));
    this.sparseAdagrad = new ConcurrentHashMap<>(Math.max(16, expectedKeys * 4 / 3 + 1));
    this.listener = ServerSocketChannel.open();
    listener.bind(new InetSocketAddress("127.0.0.1", 0));
    this.acceptor = new Thread(this::acceptLoop, "ref-server-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Binds 127.0.0.1 on a free port. */
  public static ReferenceServer start(int denseFloats, int dim, int expectedKeys) throws IOException {
    return new ReferenceServer(denseFloats, dim, expectedKeys);
  }

  public int port() {
    return listener.socket().getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      SocketChannel ch;
      try {
        ch = listener.accept();
      } catch (IOException e) {
        return;  // closed
      }
      try {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      } catch (IOException e) {
        closeQuietly(ch);
        continue;
      }
      connections.add(ch);
      Thread t = new Thread(() -> serve(ch), "ref-server-conn-" + connections.size());
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(SocketChannel ch) {
    ByteBuffer in = direct(1 << 16);
    ByteBuffer out = direct(1 << 16);
    long[] keys = new long[0];
    float[] values = new float[0];
    try {
      while (!closed) {
        in.clear().limit(4);
        readFully(ch, in);
        int bytes = in.getInt(0);
        if (bytes < RefProtocol.REQUEST_HEADER) {
          throw new IOException("bad request length: bytes=" + bytes);
        }
        if (in.capacity() < bytes) {
          in = direct(bytes);
        }
        in.clear().limit(bytes);
        readFully(ch, in);
        in.flip();
        byte op = in.get();
        BenchTable table = BenchTable.of(in.get());
        int n = in.getInt();
        int responseFloats = 0;
        if (table.dense()) {
          float[] row = table.adagrad() ? denseAdagrad : denseSum;
          int floats = table.adagrad() ? row.length / 2 : row.length;
          if (op == RefProtocol.OP_PULL) {
            responseFloats = floats;
            out = ensure(out, 4 + RefProtocol.RESPONSE_HEADER + 4L * floats);
            out.clear().position(4 + RefProtocol.RESPONSE_HEADER);
            out.asFloatBuffer().put(row, 0, floats);
          } else {
            if (n != floats) {
              throw new IOException("dense push of wrong size: floats=" + n + " (" + floats + ")");
            }
            if (values.length < n) {
              values = new float[n];
            }
            in.asFloatBuffer().get(values, 0, n);
            synchronized (row) {
              if (table.adagrad()) {
                adagrad(row, 0, n, values, 0);
              } else {
                for (int i = 0; i < n; i++) {
                  row[i] += values[i];
                }
              }
            }
          }
        } else {
          if (keys.length < n) {
            keys = new long[n];
          }
          in.asLongBuffer().get(keys, 0, n);
          in.position(in.position() + 8 * n);
          ConcurrentHashMap<Long, float[]> map = table.adagrad() ? sparseAdagrad : sparseSum;
          if (op == RefProtocol.OP_PULL) {
            responseFloats = n * dim;
            out = ensure(out, 4 + RefProtocol.RESPONSE_HEADER + 4L * responseFloats);
            out.clear().position(4 + RefProtocol.RESPONSE_HEADER);
            FloatBuffer fb = out.asFloatBuffer();
            for (int i = 0; i < n; i++) {
              float[] row = map.get(keys[i]);
              if (row == null) {
                fb.position(fb.position() + dim);  // absent rows read as zeros (buffer zeroed below)
                for (int j = fb.position() - dim; j < fb.position(); j++) {
                  fb.put(j, 0f);
                }
              } else {
                fb.put(row, 0, dim);
              }
            }
          } else {
            int floats = n * dim;
            if (values.length < floats) {
              values = new float[floats];
            }
            in.asFloatBuffer().get(values, 0, floats);
            int width = table.adagrad() ? 2 * dim : dim;
            for (int i = 0; i < n; i++) {
              float[] row = map.computeIfAbsent(keys[i], k -> new float[width]);
              synchronized (row) {
                if (table.adagrad()) {
                  adagrad(row, 0, dim, values, i * dim);
                } else {
                  for (int j = 0; j < dim; j++) {
                    row[j] += values[i * dim + j];
                  }
                }
              }
            }
          }
        }
        out = ensure(out, 4 + RefProtocol.RESPONSE_HEADER + 4L * responseFloats);
        out.clear();
        out.putInt(RefProtocol.RESPONSE_HEADER + 4 * responseFloats);
        out.put(RefProtocol.STATUS_OK);
        out.position(4 + RefProtocol.RESPONSE_HEADER + 4 * responseFloats).flip();
        writeFully(ch, out);
      }
    } catch (EOFException | ClosedChannelException e) {
      // peer or server closed
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        System.err.println("reference server: connection failed: " + e);
      }
    } finally {
      closeQuietly(ch);
      connections.remove(ch);
    }
  }

  /**
   * AdaGrad as {@code io.sparkps.core.update.AdagradUpdater}: weights at {@code row[off..off+dim)},
   * squared-gradient sums at {@code row[off+dim ..]} for sparse rows; for the dense row the sums sit
   * in the second half of the array.
   */
  private void adagrad(float[] row, int off, int dim, float[] delta, int deltaOff) {
    int nOff = row == denseAdagrad ? off + denseAdagrad.length / 2 : off + dim;
    for (int i = 0; i < dim; i++) {
      double g = delta[deltaOff + i];
      double n = row[nOff + i] + g * g;
      row[nOff + i] = (float) n;
      row[off + i] = (float) (row[off + i] - RefProtocol.ADAGRAD_LR * g / (Math.sqrt(n) + RefProtocol.ADAGRAD_EPS));
    }
  }

  // ---- direct population (no wire), used before measuring ----

  /** Sets the weights of the dense tables to {@code values} (AdaGrad state zero). */
  public void loadDense(float[] values) {
    synchronized (denseSum) {
      System.arraycopy(values, 0, denseSum, 0, denseSum.length);
    }
    synchronized (denseAdagrad) {
      java.util.Arrays.fill(denseAdagrad, 0f);
      System.arraycopy(values, 0, denseAdagrad, 0, denseSum.length);
    }
  }

  /** Sets the weights of {@code keys} in both sparse tables (AdaGrad state zero). */
  public void loadSparse(long[] keys, float[] values) {
    for (int i = 0; i < keys.length; i++) {
      float[] sum = new float[dim];
      System.arraycopy(values, i * dim, sum, 0, dim);
      sparseSum.put(keys[i], sum);
      float[] ada = new float[2 * dim];
      System.arraycopy(values, i * dim, ada, 0, dim);
      sparseAdagrad.put(keys[i], ada);
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    for (SocketChannel ch : connections) {
      closeQuietly(ch);
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static ByteBuffer direct(int capacity) {
    return ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
  }

  static ByteBuffer ensure(ByteBuffer b, long capacity) {
    if (capacity > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("message too large: bytes=" + capacity);
    }
    return b.capacity() >= capacity ? b : direct((int) capacity);
  }

  static void readFully(SocketChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        throw new EOFException("connection closed");
      }
    }
  }

  static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
