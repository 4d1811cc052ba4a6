package io.sparkps.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A byte-level TCP relay on loopback that keeps a copy of everything it forwards in either
 * direction: what an eavesdropper on the wire would see. Bytes are recorded before they are
 * forwarded, so once a peer has received something the proxy has recorded it. Blocking sockets,
 * one accept thread and two relay threads per connection, all daemons; {@link #close()} stops them.
 */
public final class RecordingProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final int targetPort;
  private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  public RecordingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "recording-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Everything relayed so far, both directions interleaved. */
  public byte[] seen() {
    synchronized (seen) {
      return seen.toByteArray();
    }
  }

  /** Whether {@code pattern} occurs in the relayed bytes. */
  public boolean saw(byte[] pattern) {
    return TlsTesting.contains(seen(), pattern);
  }

  private void acceptLoop() {
    try {
      while (true) {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(server);
        relay(client, server, "up");
        relay(server, client, "down");
      }
    } catch (IOException e) {
      // The listener was closed: the proxy is done.
    }
  }

  private void relay(Socket from, Socket to, String direction) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          synchronized (seen) {
            seen.write(buf, 0, n);
          }
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // One side closed: close the other too (below).
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "recording-proxy-" + direction);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Already broken; nothing left to release.
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }
}
