package io.sparkps.spark;

import io.sparkps.core.config.AuthKeys;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.TransportLimits;
import io.sparkps.core.config.TlsConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import org.apache.spark.SparkConf;

/**
 * The {@code spark.ps.*} configuration keys (all in one place) and their mapping onto
 * {@link PsConfig}. Documented for users in {@code docs/configuration.md}. Stateless.
 */
public final class PsSparkConf {

  /** How many executors host a server; 0 (default) means every executor. */
  public static final String SERVERS = "spark.ps.servers";
  /** Port servers bind to; 0 (default) picks a free port. */
  public static final String PORT = "spark.ps.port";
  /** Default staleness for training runs: -1 ASP, 0 BSP (default), s >= 1 SSP. */
  public static final String STALENESS = "spark.ps.staleness";
  public static final String HEARTBEAT_INTERVAL = "spark.ps.heartbeat.interval";
  public static final String HEARTBEAT_TIMEOUT = "spark.ps.heartbeat.timeout";
  public static final String REQUEST_TIMEOUT = "spark.ps.request.timeout";
  public static final String CLOCK_TIMEOUT = "spark.ps.clock.timeout";
  public static final String MAX_FRAME_BYTES = "spark.ps.maxFrameBytes";
  public static final String IO_THREADS = "spark.ps.ioThreads";
  public static final String SHARD_THREADS = "spark.ps.shardThreads";
  /** Requests one connection may have unanswered before a server stops reading it (default 128). */
  public static final String MAX_IN_FLIGHT_REQUESTS = "spark.ps.maxInFlightRequests";
  /** Bytes a server holds for admitted requests and their unwritten replies (default 4 x maxFrameBytes). */
  public static final String MAX_PENDING_BYTES = "spark.ps.maxPendingBytes";
  /** Data requests one shard lane queues before answering RESOURCE_EXHAUSTED (default 4096). */
  public static final String SHARD_QUEUE_CAPACITY = "spark.ps.shardQueueCapacity";
  /** Heap bytes one server's HEAP shards may take together (default 3/4 of the executor's max heap). */
  public static final String MAX_SHARD_BYTES = "spark.ps.maxShardBytes";
  /** Data-plane authentication: {@code auto} (default: on with a per-application token), {@code off}. */
  public static final String AUTH = "spark.ps.authenticate";
  /** Directory (on each executor's local disk) for tables with {@code storage = PERSISTED}. */
  public static final String STORAGE_DIR = "spark.ps.storageDir";
  /**
   * Hadoop-compatible directory for checkpoints (hdfs:, s3a:, file: or a local path shared by all
   * executors). Default: {@code <SparkContext checkpoint dir>/spark-ps} when one is set; without
   * either, checkpoints are off and a lost server's shards restart empty.
   */
  public static final String CHECKPOINT_DIR = "spark.ps.checkpoint.dir";
  /** Automatic checkpoint every this many clocks of a training run, and at each run's end; 0 = on demand only (default 50). */
  public static final String CHECKPOINT_INTERVAL = "spark.ps.checkpoint.interval";
  /** Complete checkpoints kept (default 2). */
  public static final String CHECKPOINT_KEEP = "spark.ps.checkpoint.keep";
  /** How many times {@code PsContext.train} resubmits a failed training stage (default 3). */
  public static final String TRAIN_MAX_ATTEMPTS = "spark.ps.train.maxAttempts";

  /**
   * How long {@code PsContext.train} waits for lost executors to come back before resubmitting a
   * gated run (it needs a task slot per worker at once; default 5min).
   */
  public static final String TRAIN_SLOT_WAIT = "spark.ps.train.slotWaitTimeout";

  /**
   * How often the driver refreshes the table sizes and the per-table and per-run metrics it
   * registers (default 10s; see docs/monitoring.md). The other metrics are read live.
   */
  public static final String METRICS_REFRESH_INTERVAL = "spark.ps.metrics.refreshInterval";

  /** Connections one server or the scheduler keeps open (default 16384); more are closed on accept. */
  public static final String MAX_CONNECTIONS = "spark.ps.maxConnections";
  /** Of those, how many may still be in the handshake (default 1024). */
  public static final String MAX_UNAUTHENTICATED_CONNECTIONS = "spark.ps.maxUnauthenticatedConnections";
  /** An authenticated connection silent this long is closed (default 2min; live peers ping). */
  public static final String IDLE_TIMEOUT = "spark.ps.idleTimeout";
  /** A frame must arrive whole this long after its first byte (default 2min). */
  public static final String FRAME_TIMEOUT = "spark.ps.frameTimeout";
  /**
   * Data-plane encryption (TLS): {@code auto} (default: on when {@code spark.ssl.enabled},
   * {@code spark.ssl.rpc.enabled} or {@code spark.network.crypto.enabled} is true), {@code on},
   * {@code off} (wins over the Spark settings). See {@link SparkTls} for the key material.
   */
  public static final String ENCRYPTION = "spark.ps.encryption";
  /** auto (default: on when the master is {@code local[...]}), on, off: see {@link #inProcessEnabled}. */
  public static final String IN_PROCESS = "spark.ps.inProcess";
  /** Spark's SSL settings ({@code keyStore}, {@code keyStorePassword}, ...) that spark-ps reads. */
  static final String SSL_PREFIX = "spark.ssl.";
  /** Spark's RPC SSL namespace: each setting here overrides the {@link #SSL_PREFIX} one. */
  static final String SSL_RPC_PREFIX = "spark.ssl.rpc.";
  /** Spark settings that turn encryption on when {@link #ENCRYPTION} is {@code auto}. */
  static final List<String> ENCRYPTION_TRIGGERS =
      List.of("spark.ssl.enabled", "spark.ssl.rpc.enabled", "spark.network.crypto.enabled");

  /** Internal: the per-application token the driver hands executors when spark.authenticate is off. */
  static final String TOKEN = "spark.ps.internal.token";

  private PsSparkConf() {}

  /** The deployment settings for a component on {@code host}, with {@code secret} (null: no auth). */
  public static PsConfig toPsConfig(SparkConf conf, String host, byte[] secret) {
    return toPsConfig(conf, host, secret, null);
  }

  /**
   * The deployment settings for a component on {@code host}, with {@code secret} (null: no auth;
   * every link key is derived from it) and {@code tls} (null: not encrypted).
   */
  public static PsConfig toPsConfig(SparkConf conf, String host, byte[] secret, TlsConfig tls) {
    return toPsConfigWithKeys(conf, host, secret == null ? null : AuthKeys.derive(secret), tls);
  }

  /**
   * As {@link #toPsConfig(SparkConf, String, byte[], TlsConfig)}, holding only {@code keys} (null:
   * no auth): all link keys for the driver and servers, only the worker's for what task closures
   * carry.
   */
  static PsConfig toPsConfigWithKeys(SparkConf conf, String host, AuthKeys keys, TlsConfig tls) {
    PsConfig.Builder b = PsConfig.builder().host(host);
    if (tls != null) {
      b.tls(tls);
    }
    if (conf.contains(HEARTBEAT_INTERVAL)) {
      b.heartbeatInterval(Duration.ofMillis(conf.getTimeAsMs(HEARTBEAT_INTERVAL, "1s")));
    }
    if (conf.contains(HEARTBEAT_TIMEOUT)) {
      b.heartbeatTimeout(Duration.ofMillis(conf.getTimeAsMs(HEARTBEAT_TIMEOUT, "10s")));
    }
    if (conf.contains(REQUEST_TIMEOUT)) {
      b.requestTimeout(Duration.ofMillis(conf.getTimeAsMs(REQUEST_TIMEOUT, "60s")));
    }
    if (conf.contains(CLOCK_TIMEOUT)) {
      b.clockTimeout(Duration.ofMillis(conf.getTimeAsMs(CLOCK_TIMEOUT, "30min")));
    }
    if (conf.contains(MAX_FRAME_BYTES)) {
      b.maxFrameBytes((int) Math.min(Integer.MAX_VALUE, conf.getSizeAsBytes(MAX_FRAME_BYTES, "64m")));
    }
    if (conf.contains(IO_THREADS)) {
      b.ioThreads(conf.getInt(IO_THREADS, 2));
    }
    if (conf.contains(SHARD_THREADS)) {
      b.shardThreads(conf.getInt(SHARD_THREADS, 2));
    }
    if (conf.contains(MAX_IN_FLIGHT_REQUESTS)) {
      b.maxInFlightRequests(conf.getInt(MAX_IN_FLIGHT_REQUESTS, PsConfig.DEFAULT_MAX_IN_FLIGHT_REQUESTS));
    }
    if (conf.contains(MAX_PENDING_BYTES)) {
      b.maxPendingBytes(conf.getSizeAsBytes(MAX_PENDING_BYTES, "256m"));
    }
    if (conf.contains(SHARD_QUEUE_CAPACITY)) {
      b.shardQueueCapacity(conf.getInt(SHARD_QUEUE_CAPACITY, PsConfig.DEFAULT_SHARD_QUEUE_CAPACITY));
    }
    if (conf.contains(MAX_SHARD_BYTES)) {
      b.maxShardBytes(conf.getSizeAsBytes(MAX_SHARD_BYTES, "1g"));
    }
    if (conf.contains(STORAGE_DIR)) {
      b.storageDir(conf.get(STORAGE_DIR));
    }
    if (keys != null) {
      b.authKeys(keys);
    }
    b.inProcessConnections(inProcessEnabled(conf));
    return b.limits(limits(conf)).build();
  }

  private static TransportLimits limits(SparkConf conf) {
    TransportLimits.Builder l = TransportLimits.builder();
    if (conf.contains(MAX_CONNECTIONS)) {
      l.maxConnections(conf.getInt(MAX_CONNECTIONS, TransportLimits.DEFAULT_MAX_CONNECTIONS));
    }
    if (conf.contains(MAX_UNAUTHENTICATED_CONNECTIONS)) {
      l.maxUnauthenticatedConnections(conf.getInt(MAX_UNAUTHENTICATED_CONNECTIONS,
          TransportLimits.DEFAULT_MAX_UNAUTHENTICATED_CONNECTIONS));
    }
    if (conf.contains(IDLE_TIMEOUT)) {
      l.idleTimeout(Duration.ofMillis(conf.getTimeAsMs(IDLE_TIMEOUT, "2min")));
    }
    if (conf.contains(FRAME_TIMEOUT)) {
      l.frameTimeout(Duration.ofMillis(conf.getTimeAsMs(FRAME_TIMEOUT, "2min")));
    }
    return l.build();
  }

  /**
   * Whether connections between components of one JVM skip TCP ({@code PsConfig.inProcessConnections}):
   * {@code on} or {@code off} decides; {@code auto} (default) turns it on in local mode
   * ({@code spark.master} {@code local}, {@code local[N]}, {@code local[*]}, {@code local[N, F]}), where the
   * scheduler, the servers and the tasks share the driver's JVM, and off elsewhere.
   */
  static boolean inProcessEnabled(SparkConf conf) {
    return autoOnOff(conf, IN_PROCESS, () -> {
      String master = conf.get("spark.master", "");
      return master.equals("local") || master.startsWith("local[");
    });
  }

  /** {@code key}'s {@code on} or {@code off}; {@code auto} (the default) asks {@code auto}. */
  private static boolean autoOnOff(SparkConf conf, String key, java.util.function.BooleanSupplier auto) {
    String mode = conf.get(key, "auto").trim().toLowerCase(java.util.Locale.ROOT);
    switch (mode) {
      case "on":
        return true;
      case "off":
        return false;
      case "auto":
        return auto.getAsBoolean();
      default:
        throw new IllegalArgumentException("unknown value: " + key + "=" + mode + " (auto, on, off)");
    }
  }

  /** Whether the data plane authenticates (on unless {@code spark.ps.authenticate=off}). */
  static boolean authEnabled(SparkConf conf) {
    String mode = conf.get(AUTH, "auto").trim().toLowerCase(java.util.Locale.ROOT);
    if (!mode.equals("auto") && !mode.equals("off")) {
      throw new IllegalArgumentException("unknown value: " + AUTH + "=" + mode + " (auto, off)");
    }
    return mode.equals("auto");
  }

  /**
   * Whether the data plane is encrypted: {@code spark.ps.encryption=on} or {@code off} decides;
   * {@code auto} (default) follows Spark's own encryption settings ({@link #ENCRYPTION_TRIGGERS}).
   */
  static boolean encryptionEnabled(SparkConf conf) {
    return autoOnOff(conf, ENCRYPTION, () -> ENCRYPTION_TRIGGERS.stream().anyMatch(k -> conf.getBoolean(k, false)));
  }


  /**
   * The data-plane key derived from Spark's application secret (spark.authenticate on) or from the
   * per-application token: SHA-256, so any secret length gives a 32-byte key.
   */
  static AuthKeys linkKeys(String seed) {
    return AuthKeys.derive(deriveKey(seed));
  }

  static byte[] deriveKey(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(("spark-ps:" + secret).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  static int port(SparkConf conf) {
    int port = conf.getInt(PORT, 0);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + PORT + "=" + port + " ([0, 65535])");
    }
    return port;
  }
}
