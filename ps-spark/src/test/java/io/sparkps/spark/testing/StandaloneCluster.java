package io.sparkps.spark.testing;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;

/**
 * A real Spark standalone cluster for tests: one Master and N Worker JVMs on 127.0.0.1, started
 * with {@link ProcessBuilder} from the Spark home Maven builds ({@link ProjectLayout#sparkHome()}),
 * what {@code scripts/local-cluster start} does from Java. Master and worker ports are ephemeral, the
 * master's REST server is off, so several clusters (other modules, other checkouts) can coexist.
 *
 * <pre>{@code
 * try (StandaloneCluster cluster = StandaloneCluster.builder().workers(2).start();
 *      JavaSparkContext sc = new JavaSparkContext(cluster.driverConf("my-test"))) {
 *   ... // a driver in the test JVM, one executor JVM per worker
 * }
 * }</pre>
 *
 * <p>{@link #start} returns once every worker has registered with the master (watched on the
 * processes' output, bounded by {@link Builder#startTimeout}). {@link #close()} stops workers (and
 * with them their executors) and the master, forcibly after a bounded wait; a shutdown hook does the
 * same if the test JVM exits first. Logs are under {@link #workDir()}.
 *
 * <p>Not thread-safe: start, use and close from one thread.
 */
public final class StandaloneCluster implements AutoCloseable {

  private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");
  private static final Pattern MASTER_ALIVE = Pattern.compile("elected leader");
  private static final Pattern WORKER_REGISTERED = Pattern.compile("Successfully registered with master");
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  private final Builder settings;
  private final Path workDir;
  private final List<Daemon> daemons = new ArrayList<>();
  private final Set<ProcessHandle> executorsSeen = new LinkedHashSet<>();
  private final Thread shutdownHook;
  private String masterUrl;
  private Daemon master;
  private final List<Daemon> workers = new ArrayList<>();
  private boolean closed;

  private StandaloneCluster(Builder settings) throws IOException {
    this.settings = settings;
    this.workDir = Files.createTempDirectory(ProjectLayout.workDir(), settings.name + "-");
    this.shutdownHook = new Thread(this::destroyAllForcibly, "standalone-cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** A cluster of 2 workers with 1 core and 1024 MB each (this machine has 2 cores). */
  public static StandaloneCluster start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The master's URL, {@code spark://127.0.0.1:PORT}. */
  public String masterUrl() {
    return masterUrl;
  }

  public long masterPid() {
    return master.process.pid();
  }

  /** The worker JVMs' pids, in start order. */
  public List<Long> workerPids() {
    return workers.stream().map(w -> w.process.pid()).toList();
  }

  /**
   * The pids of the executor JVMs running now: the workers' live child processes. A test can
   * kill one ({@code ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly)}) to simulate
   * a lost executor.
   */
  public List<Long> executorPids() {
    List<Long> pids = new ArrayList<>();
    for (Daemon worker : workers) {
      worker.process.children().filter(ProcessHandle::isAlive).forEach(child -> {
        executorsSeen.add(child);
        pids.add(child.pid());
      });
    }
    return pids;
  }

  /** Total executor cores the cluster offers. */
  public int totalCores() {
    return settings.workers * settings.coresPerWorker;
  }

  /** Directory with {@code master.log}, {@code worker-N.log} and the workers' directories (executor logs). */
  public Path workDir() {
    return workDir;
  }

  /**
   * Settings for a driver in the test JVM using this cluster: driver bound to 127.0.0.1, one
   * 512 MB executor per worker with the flags of {@code scripts/jvm.options}, no UI, and the
   * SparkContext constructor waits until executors with all {@link #totalCores()} cores have
   * registered (at most 60 s), so a job's tasks spread over every executor.
   *
   * <p>Our classes reach the executors through {@code spark.executor.extraClassPath}: the test JVM's
   * class path minus the Spark jars ({@link ProjectLayout#nonSparkClasspath()}), i.e. the freshly
   * compiled ps-core and ps-spark classes and the test classes (closures written in a test are test
   * classes). That works before {@code package} and never picks up a stale user jar. To test the
   * packaged jar instead, use {@link #driverConf(String, Path)}.
   */
  public SparkConf driverConf(String appName) {
    return baseConf(appName)
        .set("spark.executor.extraClassPath", String.join(":", ProjectLayout.nonSparkClasspath()));
  }

  /**
   * Like {@link #driverConf(String)}, but ships spark-ps the way {@code spark-submit --jars} does:
   * {@code spark.jars = userJar} plus a jar of the test classes (the "application jar"), so that
   * both load in the executors' application class loader and nothing of ours sits on
   * {@code spark.executor.extraClassPath}. The user jar must be built (after {@code package}).
   */
  public SparkConf driverConf(String appName, Path userJar) {
    if (!Files.isRegularFile(userJar)) {
      throw new IllegalArgumentException("user jar not built: userJar=" + userJar + " (run mvn package)");
    }
    List<String> jars = new ArrayList<>();
    jars.add(userJar.toAbsolutePath().toString());
    for (String entry : ProjectLayout.testClasspath()) {
      if (entry.endsWith("test-classes")) {
        jars.add(jarOf(Path.of(entry)).toString());
      }
    }
    return baseConf(appName).set("spark.jars", String.join(",", jars));
  }

  /**
   * An application jar for {@code spark-submit}: this module's test classes packed into a jar in
   * the work dir (spark.jars takes no directories). It holds no spark-ps main classes.
   */
  public Path testClassesJar() {
    for (String entry : ProjectLayout.testClasspath()) {
      if (entry.endsWith("test-classes")) {
        return jarOf(Path.of(entry));
      }
    }
    throw new IllegalStateException("no test-classes directory on the test class path");
  }

  /** Packs a class directory into a jar in the work dir (spark.jars takes no directories). */
  private Path jarOf(Path classes) {
    Path jar = workDir.resolve("app-" + classes.getParent().getParent().getFileName() + "-test-classes.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
         Stream<Path> files = Files.walk(classes)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pack test classes: classes=" + classes, e);
    }
    return jar;
  }

  private SparkConf baseConf(String appName) {
    return new SparkConf(false)
        .setMaster(masterUrl)
        .setAppName(appName)
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.executor.memory", "512m")
        .set("spark.executor.extraJavaOptions", ProjectLayout.testJvmFlagsLine())
        .set("spark.ui.enabled", "false")
        .set("spark.cores.max", Integer.toString(totalCores()))
        .set("spark.scheduler.minRegisteredResourcesRatio", "1.0")
        .set("spark.scheduler.maxRegisteredResourcesWaitingTime", "60s");
  }

  /**
   * Stops the workers (SIGTERM, which also stops their executors) and the master, waits up to 20 s
   * for them to exit, then kills what is left, executors included. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    executorPids(); // remember the executors now: once a worker is gone they have no parent to find them by
    List<ProcessHandle> all = new ArrayList<>();
    for (Daemon worker : workers) {
      worker.process.destroy();
      all.add(worker.process.toHandle());
    }
    if (master != null) {
      master.process.destroy();
      all.add(master.process.toHandle());
    }
    all.addAll(executorsSeen);
    if (!awaitExit(all, STOP_TIMEOUT)) {
      all.forEach(ProcessHandle::destroyForcibly);
      awaitExit(all, STOP_TIMEOUT);
    }
    for (Daemon daemon : daemons) {
      daemon.awaitOutputEnd(Duration.ofSeconds(5));
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: nothing left to undo
    }
  }

  private static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
    CompletableFuture<?>[] exits = processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(exits).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("waiting for processes to exit failed", e.getCause());
    }
  }

  private void destroyAllForcibly() {
    for (Daemon daemon : daemons) {
      daemon.process.descendants().forEach(ProcessHandle::destroyForcibly);
      daemon.process.destroyForcibly();
    }
  }

  private void launch() {
    long deadline = System.nanoTime() + settings.startTimeout.toNanos();
    try {
      master = spawn("master", "org.apache.spark.deploy.master.Master",
          List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0"));
      CompletableFuture<String> url = master.watch(MASTER_URL);
      CompletableFuture<String> alive = master.watch(MASTER_ALIVE);
      masterUrl = await(url, master, deadline, "master URL");
      await(alive, master, deadline, "master elected leader");
      List<CompletableFuture<String>> registered = new ArrayList<>();
      for (int i = 1; i <= settings.workers; i++) {
        Daemon worker = spawn("worker-" + i, "org.apache.spark.deploy.worker.Worker",
            List.of(masterUrl, "--host", "127.0.0.1", "--cores", Integer.toString(settings.coresPerWorker),
                "--memory", settings.workerMemoryMb + "m", "--webui-port", "0",
                "--work-dir", workDir.resolve("worker-" + i).toString()));
        workers.add(worker);
        registered.add(worker.watch(WORKER_REGISTERED));
      }
      for (int i = 0; i < workers.size(); i++) {
        await(registered.get(i), workers.get(i), deadline, "worker registered");
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private Daemon spawn(String name, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(ProjectLayout.javaExecutable());
    command.addAll(ProjectLayout.jvmFlags());
    command.add("-Xmx" + settings.daemonMemoryMb + "m");
    command.add("-Dspark.master.rest.enabled=false");
    command.add("-cp");
    command.add(ProjectLayout.sparkHome().resolve("jars") + "/*");
    command.add(mainClass);
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("SPARK_HOME", ProjectLayout.sparkHome().toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.remove("SPARK_CONF_DIR");
    try {
      Daemon daemon = new Daemon(name, builder.start(), workDir.resolve(name + ".log"));
      daemons.add(daemon);
      return daemon;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": command=" + command, e);
    }
  }

  private static String await(CompletableFuture<String> line, Daemon daemon, long deadlineNanos, String what) {
    long left = deadlineNanos - System.nanoTime();
    try {
      return line.get(Math.max(left, 0), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out waiting for " + what + ": daemon=" + daemon.name
          + "\n" + daemon.tail(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("no " + what + ": daemon=" + daemon.name + " " + e.getCause().getMessage()
          + "\n" + daemon.tail(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + what, e);
    }
  }

  /** A started JVM whose output a daemon thread copies to a log file and matches against watches. */
  private static final class Daemon {
    private static final int TAIL_LINES = 40;

    final String name;
    final Process process;
    private final Thread pump;
    private final List<Watch> watches = Collections.synchronizedList(new ArrayList<>());
    private final Deque<String> tail = new ArrayDeque<>();
    private final CompletableFuture<Void> outputEnd = new CompletableFuture<>();

    private record Watch(Pattern pattern, CompletableFuture<String> result) {}

    Daemon(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.pump = new Thread(() -> pump(log), "standalone-cluster-" + name + "-output");
      pump.setDaemon(true);
      pump.start();
    }

    /**
     * Completes with the pattern's first group (or the whole match) when a line matches; fails if the
     * output ends first. Lines printed before this call are matched too.
     */
    CompletableFuture<String> watch(Pattern pattern) {
      Watch watch = new Watch(pattern, new CompletableFuture<>());
      synchronized (tail) {
        for (String line : tail) {
          if (offer(watch, line)) {
            return watch.result;
          }
        }
        if (outputEnd.isDone()) {
          watch.result.completeExceptionally(new IllegalStateException("exited: exitValue=" + exitValue()));
        } else {
          watches.add(watch);
        }
      }
      return watch.result;
    }

    private static boolean offer(Watch watch, String line) {
      Matcher m = watch.pattern.matcher(line);
      if (m.find()) {
        watch.result.complete(m.groupCount() > 0 ? m.group(1) : m.group());
        return true;
      }
      return false;
    }

    private void pump(Path log) {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
           BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          out.write(line);
          out.newLine();
          out.flush();
          synchronized (tail) {
            tail.addLast(line);
            if (tail.size() > TAIL_LINES) {
              tail.removeFirst();
            }
            synchronized (watches) {
              final String current = line;
              watches.removeIf(w -> offer(w, current));
            }
          }
        }
      } catch (IOException e) {
        // the process's output closed under us (destroyed): the end of output below says so
      } finally {
        synchronized (tail) {
          outputEnd.complete(null);
          synchronized (watches) {
            for (Watch w : watches) {
              w.result.completeExceptionally(new IllegalStateException("output ended: exitValue=" + exitValue()));
            }
            watches.clear();
          }
        }
      }
    }

    private String exitValue() {
      try {
        return Integer.toString(process.exitValue());
      } catch (IllegalThreadStateException running) {
        return "running";
      }
    }

    void awaitOutputEnd(Duration timeout) {
      try {
        outputEnd.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // logs may miss their last lines; nothing to fail a test for
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    String tail() {
      synchronized (tail) {
        return "last lines of " + name + ":\n  " + String.join("\n  ", tail);
      }
    }
  }

  /** Cluster settings; {@link #start()} launches it. */
  public static final class Builder {
    private int workers = 2;
    private int coresPerWorker = 1;
    private int workerMemoryMb = 1024;
    private int daemonMemoryMb = 512;
    private Duration startTimeout = Duration.ofSeconds(90);
    private String name = "cluster";

    private Builder() {}

    /** Number of worker JVMs, each running at most one executor of a given application (default 2). */
    public Builder workers(int workers) {
      requireArgument(workers >= 1 && workers <= 16, "workers: workers=" + workers + " (1..16)");
      this.workers = workers;
      return this;
    }

    public Builder coresPerWorker(int cores) {
      requireArgument(cores >= 1, "cores per worker: cores=" + cores + " (>= 1)");
      this.coresPerWorker = cores;
      return this;
    }

    /** Memory a worker offers to executors (default 1024; the driver conf asks 512 per executor). */
    public Builder workerMemoryMb(int mb) {
      requireArgument(mb >= 512, "worker memory: mb=" + mb + " (>= 512)");
      this.workerMemoryMb = mb;
      return this;
    }

    /** Heap of the master and worker JVMs themselves (default 512). */
    public Builder daemonMemoryMb(int mb) {
      requireArgument(mb >= 128, "daemon memory: mb=" + mb + " (>= 128)");
      this.daemonMemoryMb = mb;
      return this;
    }

    /** Bound on the whole start: master up and every worker registered (default 90 s). */
    public Builder startTimeout(Duration timeout) {
      requireArgument(!timeout.isNegative() && !timeout.isZero(), "start timeout: timeout=" + timeout + " (> 0)");
      this.startTimeout = timeout;
      return this;
    }

    /** Prefix of the work directory under {@link ProjectLayout#workDir()} (default "cluster"). */
    public Builder name(String name) {
      requireArgument(name.matches("[A-Za-z0-9._-]+"), "name: name=" + name + " ([A-Za-z0-9._-]+)");
      this.name = name;
      return this;
    }

    public StandaloneCluster start() {
      StandaloneCluster cluster;
      try {
        cluster = new StandaloneCluster(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create cluster work dir", e);
      }
      cluster.launch();
      return cluster;
    }

    private static void requireArgument(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }

  /** Whether pid names a live process (for tests asserting that everything stopped). */
  public static boolean isAlive(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    return handle.isPresent() && handle.get().isAlive();
  }
}
