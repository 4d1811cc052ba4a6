package io.sparkps.spark.testing;

import io.sparkps.core.clock.Consistency;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.ml.SparseExample;
import io.sparkps.spark.PsContext;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A user's application, as {@code DeploymentIT} submits it with {@code spark-submit}: it uses only
 * spark-ps's public API and gets spark-ps from {@code --jars} and the plugin from
 * {@code spark.plugins}. It trains the {@link CountedLr} model twice, once with a fault (with
 * argument {@code kill}: worker 0 kills the other executor at clock {@value #FAULT_CLOCK}) and
 * once without, and prints one line with what the test checks.
 *
 * <p>Arguments: {@code DIR [kill|none]}; DIR receives the fault's files.
 */
public final class DeploymentJob {

  static final int ROWS = 40_000;
  static final int WORKERS = 2;
  static final int EPOCHS = 4;
  static final long FAULT_CLOCK = 70;

  private DeploymentJob() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    boolean kill = args.length > 1 && args[1].equals("kill");
    SparkSession spark = SparkSession.builder().appName("spark-ps deployment job").getOrCreate();
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      PsContext ps = PsContext.getOrCreate(spark);
      JavaRDD<SparseExample> train = CountedLr.generate(jsc, 0, ROWS).repartition(WORKERS).cache();
      train.count();
      List<SparseExample> heldOut = CountedLr.generate(jsc, 1, 5_000).collect();

      CountedLr.Tables faulty = CountedLr.Tables.create(ps, "faulty");
      ExecutorFault fault = kill
          ? new ExecutorFault(ExecutorFault.Kind.KILL, spark.sparkContext().applicationId(), FAULT_CLOCK, dir) : null;
      ps.train(train, "faulty", Consistency.ssp(1), faulty.function(ROWS, WORKERS, EPOCHS, fault));
      CountedLr.Tables clean = CountedLr.Tables.create(ps, "clean");
      ps.train(train, "clean", Consistency.ssp(1), clean.function(ROWS, WORKERS, EPOCHS, null));

      List<ServerInfo> servers = ps.routing().servers();
      System.out.printf(Locale.ROOT, "deployment-job: servers alive=%d lost=%d; counts faulty=%s clean=%s "
              + "expected=%d; held-out logloss faulty=%.4f clean=%.4f constant=%.4f%n",
          servers.stream().filter(ServerInfo::alive).count(), servers.stream().filter(s -> !s.alive()).count(),
          Arrays.toString(faulty.counts(WORKERS)), Arrays.toString(clean.counts(WORKERS)),
          CountedLr.clocks(ROWS, WORKERS, EPOCHS), faulty.heldOutLogLoss(heldOut), clean.heldOutLogLoss(heldOut),
          CountedLr.constantLogLoss(heldOut));
    } finally {
      spark.stop();
    }
  }
}
