package io.sparkps.bench.transport;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The transport benchmark's sizes, durations and selections, parsed once from the command line
 * ({@link #parse}) or built with {@link #builder()}. Immutable and thread-safe.
 *
 * <p>Options: {@code --dense-floats=N --dim=N --keys=N (populated) --sparse-keys=N (per op)
 * --clients=1,4 --warmup=S --seconds=S --rounds=N --systems=reference,spark-ps,ps-transport-only[,spark-ps-into]
 * --workloads=dense-pull,... --out=DIR --seed=N --servers=N --profile=cpu|itimer|wall|alloc --tls=on|off
 * --in-process=on|off}. {@code --in-process=on} lets spark-ps's clients reach its servers (all in this JVM)
 * over in-process channels instead of loopback TCP ({@code PsConfig.inProcessConnections}).
 * {@code --tls=on} runs spark-ps and ps-transport-only with TLS on every connection (a self-signed
 * certificate made for the run); the reference server stays plaintext.
 * spark-ps runs {@code servers} servers (default 1; more give each table more shards); the profile
 * (async-profiler) covers the measured points only and is written to the out directory. A later
 * occurrence of an option replaces an earlier one: {@code scripts/bench transport} puts its
 * defaults first and the user's options after them.
 */
public final class TransportOptions {

  /** Every system the benchmark knows, in the default order. */
  public static final List<String> SYSTEMS =
      List.of(ReferenceSystem.NAME, SparkPsSystem.NAME, TransportOnlySystem.NAME);

  /** Systems run only when named in --systems (not in the recorded default run). */
  static final List<String> EXTRA_SYSTEMS = List.of(SparkPsSystem.NAME_INTO);

  /** The option names {@link #parse} takes. */
  static final List<String> NAMES = List.of("dense-floats", "dim", "keys", "sparse-keys", "clients", "warmup",
      "seconds", "rounds", "systems", "workloads", "out", "seed", "servers", "profile", "tls",
      "in-process");

  private final int denseFloats;
  private final int dim;
  private final int populatedKeys;
  private final int sparseKeys;
  private final int[] clients;
  private final double warmupSeconds;
  private final double measureSeconds;
  private final int rounds;
  private final Set<String> systems;
  private final Set<Workload> workloads;
  private final Path outDir;
  private final long seed;
  private final String profile;
  private final int servers;
  private final boolean tls;
  private final boolean inProcess;

  private TransportOptions(Builder b) {
    this.denseFloats = b.denseFloats;
    this.dim = b.dim;
    this.populatedKeys = b.populatedKeys;
    this.sparseKeys = b.sparseKeys;
    this.clients = b.clients.clone();
    this.warmupSeconds = b.warmupSeconds;
    this.measureSeconds = b.measureSeconds;
    this.rounds = b.rounds;
    this.systems = Collections.unmodifiableSet(new LinkedHashSet<>(b.systems));
    this.workloads = Collections.unmodifiableSet(new LinkedHashSet<>(b.workloads));
    this.outDir = b.outDir;
    this.seed = b.seed;
    this.profile = b.profile;
    this.servers = b.servers;
    this.tls = b.tls;
    this.inProcess = b.inProcess;
  }

  /** The defaults: 1 Mi dense floats, 1M keys x 16, 10k keys per op, 1 and 4 clients, 1 s + 3 s, 1 round. */
  public static TransportOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Parses {@code --name=value} arguments over the defaults; a bad one throws {@link IllegalArgumentException}. */
  public static TransportOptions parse(String... args) {
    Builder b = builder();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (!a.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("bad argument: " + a + " (--name=value; names: " + NAMES + ")");
      }
      String name = a.substring(2, eq);
      String v = a.substring(eq + 1);
      switch (name) {
        case "dense-floats" -> b.denseFloats(number(name, v, Integer::parseInt));
        case "dim" -> b.dim(number(name, v, Integer::parseInt));
        case "keys" -> b.populatedKeys(number(name, v, Integer::parseInt));
        case "sparse-keys" -> b.sparseKeys(number(name, v, Integer::parseInt));
        case "clients" -> b.clients(Arrays.stream(v.split(",", -1)).mapToInt(c -> number(name, v, Integer::parseInt, c))
            .toArray());
        case "warmup" -> b.warmupSeconds(number(name, v, Double::parseDouble));
        case "seconds" -> b.measureSeconds(number(name, v, Double::parseDouble));
        case "rounds" -> b.rounds(number(name, v, Integer::parseInt));
        case "systems" -> b.systems(List.of(v.split(",", -1)));
        case "workloads" -> b.workloads(Arrays.stream(v.split(",", -1)).map(Workload::byId).toList());
        case "out" -> b.outDir(Path.of(v));
        case "seed" -> b.seed(number(name, v, Long::parseLong));
        case "profile" -> b.profile(v);
        case "servers" -> b.servers(number(name, v, Integer::parseInt));
        case "tls" -> b.tls(onOff(name, v));
        case "in-process" -> b.inProcess(onOff(name, v));
        default -> throw new IllegalArgumentException("unknown option: --" + name + " (names: " + NAMES + ")");
      }
    }
    return b.build();
  }

  private static boolean onOff(String name, String value) {
    require(value.equals("on") || value.equals("off"), "bad value: --%s=%s (on, off)", name, value);
    return value.equals("on");
  }

  private static <T> T number(String name, String value, Function<String, T> parse) {
    return number(name, value, parse, value);
  }

  private static <T> T number(String name, String value, Function<String, T> parse, String part) {
    try {
      return parse.apply(part.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number: --" + name + "=" + value, e);
    }
  }

  public int denseFloats() {
    return denseFloats;
  }

  public int dim() {
    return dim;
  }

  public int populatedKeys() {
    return populatedKeys;
  }

  public int sparseKeys() {
    return sparseKeys;
  }

  /** The client counts, each measured in turn; a copy. */
  public int[] clients() {
    return clients.clone();
  }

  public double warmupSeconds() {
    return warmupSeconds;
  }

  public double measureSeconds() {
    return measureSeconds;
  }

  public int rounds() {
    return rounds;
  }

  public Set<String> systems() {
    return systems;
  }

  public Set<Workload> workloads() {
    return workloads;
  }

  /** Where the CSVs (and profiles) go; null: print only. */
  public Path outDir() {
    return outDir;
  }

  public long seed() {
    return seed;
  }

  /** The async-profiler event, or null for no profile. */
  public String profile() {
    return profile;
  }

  public int servers() {
    return servers;
  }

  /** Whether spark-ps connections (and the transport-only system's) run inside TLS. */
  public boolean tls() {
    return tls;
  }

  public boolean inProcess() {
    return inProcess;
  }

  int maxClients() {
    return Arrays.stream(clients).max().orElse(1);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "TransportOptions[denseFloats=%d, dim=%d, keys=%d, sparseKeys=%d, clients=%s, "
            + "warmup=%s, seconds=%s, rounds=%d, systems=%s, workloads=%s, out=%s, seed=%d, profile=%s, servers=%d, "
            + "tls=%s, inProcess=%s]",
        denseFloats, dim, populatedKeys, sparseKeys, Arrays.toString(clients), warmupSeconds, measureSeconds, rounds,
        systems, workloads, outDir, seed, profile, servers, tls, inProcess);
  }

  /**
   * Builds {@link TransportOptions}: every setter range-checks its value, {@link #build()} checks
   * the combinations. A setter may be called again (the last value wins). NOT thread-safe.
   */
  public static final class Builder {
    private int denseFloats = 1 << 20;
    private int dim = 16;
    private int populatedKeys = 1_000_000;
    private int sparseKeys = 10_000;
    private int[] clients = {1, 4};
    private double warmupSeconds = 1.0;
    private double measureSeconds = 3.0;
    private int rounds = 1;
    private List<String> systems = SYSTEMS;
    private List<Workload> workloads = List.of(Workload.values());
    private Path outDir;
    private long seed = 42;
    private String profile;
    private int servers = 1;
    private boolean tls;
    private boolean inProcess;

    private Builder() {}

    public Builder denseFloats(int n) {
      require(n > 0, "dense row size out of range: dense-floats=%s (> 0)", n);
      denseFloats = n;
      return this;
    }

    public Builder dim(int n) {
      require(n > 0, "row width out of range: dim=%s (> 0)", n);
      dim = n;
      return this;
    }

    public Builder populatedKeys(int n) {
      require(n > 0, "populated keys out of range: keys=%s (> 0)", n);
      populatedKeys = n;
      return this;
    }

    public Builder sparseKeys(int n) {
      require(n > 0, "sparse keys per op out of range: sparse-keys=%s (> 0)", n);
      sparseKeys = n;
      return this;
    }

    public Builder clients(int... counts) {
      require(counts.length > 0 && Arrays.stream(counts).allMatch(c -> c > 0), "clients must be > 0: clients=%s",
          Arrays.toString(counts));
      clients = counts.clone();
      return this;
    }

    public Builder warmupSeconds(double s) {
      require(s >= 0 && Double.isFinite(s), "warm-up out of range: warmup=%s (>= 0 s)", s);
      warmupSeconds = s;
      return this;
    }

    public Builder measureSeconds(double s) {
      require(s > 0 && Double.isFinite(s), "measured time out of range: seconds=%s (> 0 s)", s);
      measureSeconds = s;
      return this;
    }

    public Builder rounds(int n) {
      require(n > 0, "rounds out of range: rounds=%s (> 0)", n);
      rounds = n;
      return this;
    }

    public Builder systems(List<String> names) {
      require(!names.isEmpty(), "no system selected: systems=%s (%s)", names, String.join(", ", SYSTEMS));
      for (String s : names) {
        require(SYSTEMS.contains(s) || EXTRA_SYSTEMS.contains(s), "unknown system: system=%s (%s)", s,
            String.join(", ", SYSTEMS));
      }
      systems = List.copyOf(names);
      return this;
    }

    public Builder workloads(List<Workload> selected) {
      require(!selected.isEmpty(), "no workload selected: workloads=%s", selected);
      workloads = List.copyOf(selected);
      return this;
    }

    /** Where the CSVs go; null: print only. */
    public Builder outDir(Path dir) {
      outDir = dir;
      return this;
    }

    public Builder seed(long s) {
      seed = s;
      return this;
    }

    /** An async-profiler event ({@code cpu}, {@code itimer}, {@code wall}, {@code alloc}, ...), or null for none. */
    public Builder profile(String event) {
      require(event == null || !event.isBlank(), "empty profile event: profile=%s (cpu, itimer, wall, alloc, ...)",
          event);
      profile = event;
      return this;
    }

    public Builder servers(int n) {
      require(n >= 1, "servers must be >= 1: servers=%s", n);
      servers = n;
      return this;
    }

    /** TLS on every spark-ps connection (default off). */
    public Builder tls(boolean on) {
      tls = on;
      return this;
    }

    /** spark-ps's connections in-process instead of over loopback TCP (default off). */
    public Builder inProcess(boolean on) {
      inProcess = on;
      return this;
    }

    /** The options; throws {@link IllegalArgumentException} when the values do not fit together. */
    public TransportOptions build() {
      require(sparseKeys <= populatedKeys,
          "sparse keys per op out of range: sparseKeys=%s ([1, keys=%s])", sparseKeys, populatedKeys);
      return new TransportOptions(this);
    }
  }

  static void require(boolean ok, String format, Object... args) {
    if (!ok) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, format, args));
    }
  }
}
