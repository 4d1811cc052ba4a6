// A spark.ml Pipeline with PsLogisticRegression: hash raw columns, train on the parameter server,
// evaluate, save and load. Run: scripts/ps-shell -i examples/shell/pipeline-lr.scala
import org.apache.spark.ml.{Pipeline, PipelineModel}
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator
import org.apache.spark.ml.feature.FeatureHasher
import io.sparkps.ml.classification.PsLogisticRegression

// Clicks on ads: the label depends on the city, the device and the hour.
val rnd = new scala.util.Random(7)
val cities = Array("paris", "lyon", "nice", "lille", "brest")
val devices = Array("phone", "tablet", "desktop")
val rows = (1 to 20000).map { _ =>
  val c = rnd.nextInt(cities.length); val d = rnd.nextInt(devices.length); val h = rnd.nextInt(24)
  val z = (c - 2) * 0.8 + (if (d == 0) 1.2 else -0.6) + (if (h >= 18) 0.9 else -0.3)
  (cities(c), devices(d), h.toString, if (rnd.nextDouble() < 1 / (1 + math.exp(-z))) 1.0 else 0.0)
}
val Array(train, test) = spark.createDataFrame(rows).toDF("city", "device", "hour", "label")
  .randomSplit(Array(0.8, 0.2), 1)

val hasher = new FeatureHasher().setInputCols("city", "device", "hour").setOutputCol("features").setNumFeatures(1 << 14)
val lr = new PsLogisticRegression().setMethod("downpour").setOptimizer("ftrl").setStaleness(2)
  .setMaxIter(3).setBatchSize(256).setStepSize(0.2)
val model = new Pipeline().setStages(Array(hasher, lr)).fit(train)
val auc = new BinaryClassificationEvaluator().evaluate(model.transform(test))

val dir = java.nio.file.Files.createTempDirectory("ps-pipeline").resolve("model").toString
model.write.overwrite().save(dir)
val again = PipelineModel.load(dir)
val same = new BinaryClassificationEvaluator().evaluate(again.transform(test))
println(f"ps-shell-pipeline auc=$auc%.4f reloaded=$same%.4f")
