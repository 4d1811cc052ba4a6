package io.sparkps.core.config;

import static io.sparkps.core.check.Checks.requireArgument;
import static io.sparkps.core.check.Checks.requireState;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;

/**
 * Settings shared by the scheduler, servers and clients of one parameter-server deployment.
 * Built with {@link #builder()}: each setter may be called once and checks its range at once;
 * {@link Builder#build()} cross-checks. Immutable, serialisable (it travels inside Spark
 * closures with table handles) and thread-safe.
 */
public final class PsConfig implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final int DEFAULT_MAX_FRAME_BYTES = 64 << 20;
  public static final int MIN_FRAME_BYTES = 4 << 10;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CLOCK_TIMEOUT = Duration.ofMinutes(30);
  public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = 128;
  public static final int DEFAULT_SHARD_QUEUE_CAPACITY = 4096;
  /** {@link #maxShardBytes()} when unset: this share of the server JVM's max heap. */
  public static final double DEFAULT_SHARD_HEAP_SHARE = 0.75;

  private final int maxFrameBytes;
  private final int ioThreads;
  private final int shardThreads;
  private final byte[] secret;
  private final String host;
  private final boolean preferNativeTransport;
  private final boolean inProcessConnections;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final Duration heartbeatInterval;
  private final Duration heartbeatTimeout;
  private final Duration clockTimeout;
  private final String storageDir;
  private final AuthKeys authKeys;
  private final TransportLimits limits;
  private final TlsConfig tls;
  private final int maxInFlightRequests;
  private final long maxPendingBytes;
  private final int shardQueueCapacity;
  /** 0: derived from the server's heap ({@link #maxShardBytes(long)}). */
  private final long maxShardBytes;

  private PsConfig(Builder b) {
    this.maxFrameBytes = b.maxFrameBytes;
    this.ioThreads = b.ioThreads;
    this.shardThreads = b.shardThreads;
    this.secret = b.secret;
    this.host = b.host;
    this.preferNativeTransport = b.preferNativeTransport;
    this.inProcessConnections = b.inProcessConnections;
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout;
    this.heartbeatInterval = b.heartbeatInterval;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.clockTimeout = b.clockTimeout;
    this.storageDir = b.storageDir;
    this.authKeys = b.authKeys;
    this.limits = b.limits;
    this.tls = b.tls;
    this.maxInFlightRequests = b.maxInFlightRequests;
    this.maxPendingBytes = b.maxPendingBytes;
    this.shardQueueCapacity = b.shardQueueCapacity;
    this.maxShardBytes = b.maxShardBytes;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** All defaults: no authentication, loopback host. */
  public static PsConfig defaults() {
    return builder().build();
  }

  /** Largest frame (after the 4-byte length field) a peer may send; larger ones are rejected. */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** Netty event-loop threads per server, scheduler or client. */
  public int ioThreads() {
    return ioThreads;
  }

  /** Threads that apply operations to shards on a server (each shard is served by one of them). */
  public int shardThreads() {
    return shardThreads;
  }

  /** Whether peers must prove knowledge of the shared secret before any operation. */
  public boolean authEnabled() {
    return authKeys != null;
  }

  /**
   * The handshake keys this component holds: all of them when built with {@link Builder#secret},
   * those given to {@link Builder#authKeys} otherwise; null when authentication is off.
   */
  public AuthKeys authKeys() {
    return authKeys;
  }

  /** Connection caps and timeouts of listening servers and connections. */
  public TransportLimits limits() {
    return limits;
  }

  /** A copy of the application secret; null when authentication is off or only role keys are held. */
  public byte[] secret() {
    return secret == null ? null : secret.clone();
  }

  /** Address servers and the scheduler bind to and advertise. */
  public String host() {
    return host;
  }

  /** Use epoll when Netty's native transport loads; NIO otherwise. */
  public boolean preferNativeTransport() {
    return preferNativeTransport;
  }

  /**
   * Whether a connection to a listener of this JVM skips TCP: both ends in one process (Spark's
   * local mode, the servers in the driver JVM) talk over an in-process channel with the same
   * pipeline, handshake and limits, minus the wire encoding and the kernel. Off by default.
   */
  public boolean inProcessConnections() {
    return inProcessConnections;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Deadline of every request and every blocking call. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** A server silent for longer than this is declared dead by the scheduler. */
  public Duration heartbeatTimeout() {
    return heartbeatTimeout;
  }

  /**
   * Deadline of a worker's {@code clock()} and {@code barrier()}: waiting for slower workers is
   * legitimately long, so it has its own bound (a dead worker releases them much sooner).
   */
  public Duration clockTimeout() {
    return clockTimeout;
  }

  /**
   * Directory where servers keep the files of PERSISTED tables' shards (one file per shard), or
   * null when unset: then servers refuse PERSISTED tables.
   */
  public String storageDir() {
    return storageDir;
  }

  /** Whether every data-plane connection runs inside TLS ({@link #tls()} is set). */
  public boolean encryptionEnabled() {
    return tls != null;
  }

  /** The TLS settings, or null when the data plane is not encrypted (the default). */
  public TlsConfig tls() {
    return tls;
  }

  /**
   * Requests one connection may have dispatched and not yet answered (reply written); at this
   * many the server stops reading from that connection until half of them are answered.
   */
  public int maxInFlightRequests() {
    return maxInFlightRequests;
  }

  /**
   * Bytes a component (server, scheduler, client) holds for admitted requests and their replies
   * until each reply is written: a request's frame plus an upper estimate of its reply. A
   * connection that would exceed it (or half of it for itself) stops being read until bytes
   * return. Default {@code 4 x maxFrameBytes}; at least {@code 2 x maxFrameBytes}, so one request
   * of any legal size is always admissible.
   */
  public long maxPendingBytes() {
    return maxPendingBytes;
  }

  /**
   * Bytes one connection may hold of {@link #maxPendingBytes()}: half of it, so a connection
   * that stops reading leaves the other half to everyone else, and a client pulling two frames'
   * worth from two shard lanes of one server still has both in flight.
   */
  public long maxConnectionPendingBytes() {
    return maxPendingBytes / 2;
  }

  /**
   * Data requests that may wait in one shard lane's queue on a server; a request arriving at a
   * full lane is answered {@code RESOURCE_EXHAUSTED}.
   */
  public int shardQueueCapacity() {
    return shardQueueCapacity;
  }

  /** The configured per-server limit on heap bytes of HEAP shards, or 0 when unset (derived from the heap). */
  public long maxShardBytes() {
    return maxShardBytes;
  }

  /**
   * Heap bytes the HEAP-tier shards of one server may take together (weights, optimizer state and
   * versions of dense shards): the configured value, or {@link #DEFAULT_SHARD_HEAP_SHARE} of
   * {@code maxHeapBytes} (the server JVM's {@code Runtime.maxMemory()}) when unset.
   */
  public long maxShardBytes(long maxHeapBytes) {
    return maxShardBytes > 0 ? maxShardBytes : (long) (maxHeapBytes * DEFAULT_SHARD_HEAP_SHARE);
  }

  @Override
  public String toString() {
    return "PsConfig{maxFrameBytes=" + maxFrameBytes + ", ioThreads=" + ioThreads
        + ", shardThreads=" + shardThreads + ", auth=" + authEnabled() + ", host=" + host
        + ", native=" + preferNativeTransport + ", inProcess=" + inProcessConnections + ", connectTimeout=" + connectTimeout
        + ", requestTimeout=" + requestTimeout + ", heartbeatInterval=" + heartbeatInterval
        + ", heartbeatTimeout=" + heartbeatTimeout + ", clockTimeout=" + clockTimeout
        + ", storageDir=" + storageDir + ", keys=" + authKeys + ", " + limits + ", tls=" + tls + ", maxInFlightRequests=" + maxInFlightRequests
        + ", maxPendingBytes=" + maxPendingBytes + ", shardQueueCapacity=" + shardQueueCapacity
        + ", maxShardBytes=" + (maxShardBytes > 0 ? maxShardBytes : "auto") + "}";
  }

  /** Validating, set-once builder. Not thread-safe. */
  public static final class Builder {
    private static final int UNSET_INT = -1;

    private int maxFrameBytes = UNSET_INT;
    private int ioThreads = UNSET_INT;
    private int shardThreads = UNSET_INT;
    private byte[] secret;
    private String host;
    private Boolean preferNative;
    private boolean preferNativeTransport;
    private Boolean inProcess;
    private boolean inProcessConnections;
    private Duration connectTimeout;
    private Duration requestTimeout;
    private Duration heartbeatInterval;
    private Duration heartbeatTimeout;
    private Duration clockTimeout;
    private String storageDir;
    private AuthKeys authKeys;
    private TransportLimits limits;
    private TlsConfig tls;
    private int maxInFlightRequests = UNSET_INT;
    private long maxPendingBytes = UNSET_INT;
    private int shardQueueCapacity = UNSET_INT;
    private long maxShardBytes = UNSET_INT;

    private Builder() {}

    /** Per connection; see {@link PsConfig#maxInFlightRequests()}. */
    public Builder maxInFlightRequests(int requests) {
      requireState(maxInFlightRequests == UNSET_INT, "maxInFlightRequests was already set to %s", maxInFlightRequests);
      requireArgument(requests >= 1 && requests <= 1 << 20,
          "maxInFlightRequests out of range: maxInFlightRequests=%s ([1, %s])", requests, 1 << 20);
      this.maxInFlightRequests = requests;
      return this;
    }

    /** Per component; see {@link PsConfig#maxPendingBytes()}. */
    public Builder maxPendingBytes(long bytes) {
      requireState(maxPendingBytes == UNSET_INT, "maxPendingBytes was already set to %s", maxPendingBytes);
      requireArgument(bytes >= 2L * MIN_FRAME_BYTES, "maxPendingBytes too small: maxPendingBytes=%s (>= %s)",
          bytes, 2L * MIN_FRAME_BYTES);
      this.maxPendingBytes = bytes;
      return this;
    }

    /** Per shard lane; see {@link PsConfig#shardQueueCapacity()}. */
    public Builder shardQueueCapacity(int requests) {
      requireState(shardQueueCapacity == UNSET_INT, "shardQueueCapacity was already set to %s", shardQueueCapacity);
      requireArgument(requests >= 1, "shardQueueCapacity out of range: shardQueueCapacity=%s (>= 1)", requests);
      this.shardQueueCapacity = requests;
      return this;
    }

    /** Per server; see {@link PsConfig#maxShardBytes(long)}. */
    public Builder maxShardBytes(long bytes) {
      requireState(maxShardBytes == UNSET_INT, "maxShardBytes was already set to %s", maxShardBytes);
      requireArgument(bytes >= 1, "maxShardBytes out of range: maxShardBytes=%s (>= 1)", bytes);
      this.maxShardBytes = bytes;
      return this;
    }

    public Builder maxFrameBytes(int bytes) {
      requireState(maxFrameBytes == UNSET_INT, "maxFrameBytes was already set to %s", maxFrameBytes);
      requireArgument(bytes >= MIN_FRAME_BYTES, "maxFrameBytes too small: maxFrameBytes=%s (>= %s)",
          bytes, MIN_FRAME_BYTES);
      this.maxFrameBytes = bytes;
      return this;
    }

    public Builder ioThreads(int threads) {
      requireState(ioThreads == UNSET_INT, "ioThreads was already set to %s", ioThreads);
      requireArgument(threads >= 1 && threads <= 256, "ioThreads out of range: ioThreads=%s ([1, 256])", threads);
      this.ioThreads = threads;
      return this;
    }

    public Builder shardThreads(int threads) {
      requireState(shardThreads == UNSET_INT, "shardThreads was already set to %s", shardThreads);
      requireArgument(threads >= 1 && threads <= 256,
          "shardThreads out of range: shardThreads=%s ([1, 256])", threads);
      this.shardThreads = threads;
      return this;
    }

    /**
     * Turns on authentication with this application secret (at least 16 bytes): every link key
     * is derived from it ({@link AuthKeys#derive}).
     */
    public Builder secret(byte[] secret) {
      requireState(this.secret == null && authKeys == null, "secret or authKeys was already set");
      requireArgument(secret != null && secret.length >= 16,
          "secret too short: bytes=%s (>= 16)", secret == null ? 0 : secret.length);
      this.secret = secret.clone();
      return this;
    }

    /** Turns on authentication with only these link keys (e.g. a worker's). */
    public Builder authKeys(AuthKeys keys) {
      requireState(this.secret == null && authKeys == null, "secret or authKeys was already set");
      this.authKeys = java.util.Objects.requireNonNull(keys, "keys");
      return this;
    }

    public Builder limits(TransportLimits limits) {
      requireState(this.limits == null, "limits was already set to %s", this.limits);
      this.limits = java.util.Objects.requireNonNull(limits, "limits");
      return this;
    }

    public Builder host(String host) {
      requireState(this.host == null, "host was already set to %s", this.host);
      requireArgument(host != null && !host.isBlank(), "host must not be blank: host=%s", host);
      this.host = host;
      return this;
    }

    public Builder preferNativeTransport(boolean prefer) {
      requireState(preferNative == null, "preferNativeTransport was already set to %s", preferNative);
      this.preferNative = prefer;
      return this;
    }

    /** See {@link PsConfig#inProcessConnections()}; off unless set. */
    public Builder inProcessConnections(boolean enabled) {
      requireState(inProcess == null, "inProcessConnections was already set to %s", inProcess);
      this.inProcess = enabled;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      requireState(connectTimeout == null, "connectTimeout was already set to %s", connectTimeout);
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    public Builder requestTimeout(Duration timeout) {
      requireState(requestTimeout == null, "requestTimeout was already set to %s", requestTimeout);
      this.requestTimeout = positive("requestTimeout", timeout);
      return this;
    }

    public Builder heartbeatInterval(Duration interval) {
      requireState(heartbeatInterval == null, "heartbeatInterval was already set to %s", heartbeatInterval);
      this.heartbeatInterval = positive("heartbeatInterval", interval);
      return this;
    }

    public Builder heartbeatTimeout(Duration timeout) {
      requireState(heartbeatTimeout == null, "heartbeatTimeout was already set to %s", heartbeatTimeout);
      this.heartbeatTimeout = positive("heartbeatTimeout", timeout);
      return this;
    }

    public Builder clockTimeout(Duration timeout) {
      requireState(clockTimeout == null, "clockTimeout was already set to %s", clockTimeout);
      this.clockTimeout = positive("clockTimeout", timeout);
      return this;
    }

    /** Directory for PERSISTED tables' shard files on every server (created if missing). */
    public Builder storageDir(String dir) {
      requireState(storageDir == null, "storageDir was already set to %s", storageDir);
      requireArgument(dir != null && !dir.isBlank(), "storageDir must not be blank: storageDir=%s", dir);
      this.storageDir = dir;
      return this;
    }

    /**
     * Turns on TLS for every connection (off by default). Servers and the scheduler need a config
     * with an {@link TlsConfig#identity() identity}; clients need only the trusted certificates.
     */
    public Builder tls(TlsConfig tls) {
      requireState(this.tls == null, "tls was already set to %s", this.tls);
      this.tls = java.util.Objects.requireNonNull(tls, "tls");
      return this;
    }

    private static Duration positive(String name, Duration d) {
      requireArgument(d != null && !d.isNegative() && !d.isZero(), "%s must be positive: %s=%s", name, name, d);
      return d;
    }

    public PsConfig build() {
      if (maxFrameBytes == UNSET_INT) {
        maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
      }
      if (ioThreads == UNSET_INT) {
        ioThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
      }
      if (shardThreads == UNSET_INT) {
        shardThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
      }
      host = host == null ? "127.0.0.1" : host;
      preferNativeTransport = preferNative == null || preferNative;
      inProcessConnections = inProcess != null && inProcess;
      connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
      requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
      heartbeatInterval = heartbeatInterval == null ? DEFAULT_HEARTBEAT_INTERVAL : heartbeatInterval;
      heartbeatTimeout = heartbeatTimeout == null ? DEFAULT_HEARTBEAT_TIMEOUT : heartbeatTimeout;
      clockTimeout = clockTimeout == null ? DEFAULT_CLOCK_TIMEOUT : clockTimeout;
      maxInFlightRequests = maxInFlightRequests == UNSET_INT ? DEFAULT_MAX_IN_FLIGHT_REQUESTS : maxInFlightRequests;
      shardQueueCapacity = shardQueueCapacity == UNSET_INT ? DEFAULT_SHARD_QUEUE_CAPACITY : shardQueueCapacity;
      maxShardBytes = maxShardBytes == UNSET_INT ? 0 : maxShardBytes;
      if (maxPendingBytes == UNSET_INT) {
        maxPendingBytes = 4L * maxFrameBytes;
      }
      requireArgument(maxPendingBytes >= 2L * maxFrameBytes,
          "maxPendingBytes must hold a request and a reply of the largest frame: maxPendingBytes=%s "
              + "(>= 2 x maxFrameBytes = %s)", maxPendingBytes, 2L * maxFrameBytes);
      authKeys = secret != null ? AuthKeys.derive(secret) : authKeys;
      limits = limits == null ? TransportLimits.defaults() : limits;
      requireArgument(heartbeatTimeout.compareTo(heartbeatInterval) > 0,
          "heartbeatTimeout must exceed heartbeatInterval: heartbeatTimeout=%s, heartbeatInterval=%s",
          heartbeatTimeout, heartbeatInterval);
      return new PsConfig(this);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PsConfig c && maxFrameBytes == c.maxFrameBytes && ioThreads == c.ioThreads
        && shardThreads == c.shardThreads && Arrays.equals(secret, c.secret) && host.equals(c.host)
        && preferNativeTransport == c.preferNativeTransport && inProcessConnections == c.inProcessConnections
        && connectTimeout.equals(c.connectTimeout)
        && requestTimeout.equals(c.requestTimeout) && heartbeatInterval.equals(c.heartbeatInterval)
        && heartbeatTimeout.equals(c.heartbeatTimeout) && clockTimeout.equals(c.clockTimeout)
        && java.util.Objects.equals(storageDir, c.storageDir) && java.util.Objects.equals(tls, c.tls)
        && maxInFlightRequests == c.maxInFlightRequests && maxPendingBytes == c.maxPendingBytes
        && shardQueueCapacity == c.shardQueueCapacity && maxShardBytes == c.maxShardBytes
        && java.util.Objects.equals(authKeys, c.authKeys) && limits.equals(c.limits);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(maxFrameBytes, ioThreads, shardThreads, Arrays.hashCode(secret), host,
        preferNativeTransport, inProcessConnections, connectTimeout, requestTimeout, heartbeatInterval, heartbeatTimeout, clockTimeout,
        storageDir, tls, authKeys, limits, maxInFlightRequests, maxPendingBytes, shardQueueCapacity, maxShardBytes);
  }
}
