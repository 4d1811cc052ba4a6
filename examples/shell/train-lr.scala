// Train a small sparse logistic regression interactively on the parameter server.
// Run:  scripts/ps-shell -i examples/shell/train-lr.scala     (or paste it into scripts/ps-shell)
// `spark` and `ps` are bound by the shell.
import io.sparkps.core.clock.Consistency
import io.sparkps.core.update.UpdaterSpec
import io.sparkps.ml.SparseExample
import io.sparkps.ml.classification.{LrSettings, SparseLogisticRegression}

// A toy task: 2,000 features, 10 active per row, labels from a hidden sparse logistic model.
def trueWeight(j: Long): Double = new scala.util.Random(j * 7919L).nextGaussian()
def rows(split: Int, n: Int) = spark.sparkContext.parallelize(0 until 2, 2).flatMap { p =>
  val rnd = new scala.util.Random(1000L * split + p)
  Iterator.fill(n / 2) {
    val idx = Iterator.continually(rnd.nextInt(2000).toLong).distinct.take(10).toArray.sorted
    val z = -0.3 + idx.map(trueWeight).sum
    val label = if (rnd.nextDouble() < 1 / (1 + math.exp(-z))) 1.0 else 0.0
    new SparseExample(label, idx, Array.fill(idx.length)(1f))
  }
}.toJavaRDD().cache()

val train = rows(0, 40000)
val heldOut = rows(1, 5000)
val settings = new LrSettings(3, 512, UpdaterSpec.adagrad(0.1), 0.0, Consistency.ssp(1))
val result = SparseLogisticRegression.train(ps, "shell-lr", train, heldOut, settings,
  r => println(f"epoch ${r.epoch + 1}: held-out logloss ${r.evalLogLoss}%.4f, AUC ${r.evalAuc}%.4f"))
val last = result.epochs.get(result.epochs.size - 1)
println(f"ps-shell-lr logloss=${last.evalLogLoss}%.4f auc=${last.evalAuc}%.4f weights=${result.weights.size}")
