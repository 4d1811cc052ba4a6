package io.sparkps.core.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The listeners of this JVM that also accept in-process connections
 * ({@code PsConfig.inProcessConnections}), by the TCP address they are bound to, and the event
 * loops in-process channels run on. Netty's local channels cannot share an epoll event loop, so
 * they get their own daemon loops, started on first use and shared by every component of the
 * JVM (in local mode: the scheduler, the servers and the clients). Thread-safe.
 */
final class InProcessListeners {

  /** Loops for in-process channels: a request is a hand-off between two threads, not I/O. */
  private static final int LOOP_THREADS = 2;

  private static final ConcurrentHashMap<String, LocalAddress> LISTENERS = new ConcurrentHashMap<>();
  private static volatile EventLoopGroup group;

  private InProcessListeners() {}

  /** The shared loops, started on first use (daemon threads: they never hold the JVM up). */
  static EventLoopGroup group() {
    EventLoopGroup g = group;
    if (g == null) {
      synchronized (InProcessListeners.class) {
        g = group;
        if (g == null) {
          g = new MultiThreadIoEventLoopGroup(LOOP_THREADS, new DefaultThreadFactory("ps-inprocess", true),
              LocalIoHandler.newFactory());
          group = g;
        }
      }
    }
    return g;
  }

  /** Records that the listener bound to {@code host:port} also accepts on {@code local}. */
  static void register(String host, int port, LocalAddress local) {
    LISTENERS.put(key(host, port), local);
  }

  static void unregister(String host, int port, LocalAddress local) {
    LISTENERS.remove(key(host, port), local);
  }

  /**
   * Where a connection to {@code address} can go in-process: the local address of a listener of
   * this JVM bound to that address (or to the wildcard address on that port, when
   * {@code address} is one of this machine's), else null.
   */
  static LocalAddress find(InetSocketAddress address) {
    LocalAddress exact = LISTENERS.get(key(address.getAddress().getHostAddress(), address.getPort()));
    if (exact != null || LISTENERS.isEmpty()) {
      return exact;
    }
    LocalAddress wildcard = LISTENERS.get(key("0.0.0.0", address.getPort()));
    return wildcard != null && isLocal(address.getAddress()) ? wildcard : null;
  }

  private static String key(String host, int port) {
    InetSocketAddress a = new InetSocketAddress(host, port);
    return (a.isUnresolved() ? host : a.getAddress().getHostAddress()) + ":" + port;
  }

  private static boolean isLocal(InetAddress address) {
    try {
      return address.isAnyLocalAddress() || address.isLoopbackAddress()
          || NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;  // cannot tell: TCP works either way
    }
  }
}
