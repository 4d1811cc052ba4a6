package io.sparkps.ml.streaming;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.execution.streaming.Sink;
import org.apache.spark.sql.sources.StreamSinkProvider;
import org.apache.spark.sql.streaming.OutputMode;

/**
 * Spark's way to a {@link TrainingSink}: {@link PsStreamingTrainer#start} registers the trainer
 * under an id and names this class as the query's format with that id as an option; Spark
 * instantiates the provider and asks it for the sink. Public because Spark instantiates it by
 * name; not meant to be used directly. Thread-safe.
 */
public final class TrainingSinkProvider implements StreamSinkProvider {

  /** The option naming the registered trainer. */
  static final String TRAINER_OPTION = "spark-ps.trainer";
  private static final Map<String, PsStreamingTrainer<?>> TRAINERS = new ConcurrentHashMap<>();

  /**
   * Registers {@code trainer} for queries started in this driver; returns its id. A trainer
   * registers once (its first {@code start}) and stays registered: a query restarted later with
   * {@code start} finds it again.
   */
  static String register(PsStreamingTrainer<?> trainer) {
    String id = trainer.modelName() + "/" + UUID.randomUUID();
    TRAINERS.put(id, trainer);
    return id;
  }

  @Override
  public Sink createSink(SQLContext sqlContext, scala.collection.immutable.Map<String, String> parameters,
      scala.collection.immutable.Seq<String> partitionColumns, OutputMode outputMode) {
    String id = parameters.get(TRAINER_OPTION).getOrElse(() -> null);
    if (id == null) {
      throw new IllegalArgumentException("the spark-ps training sink needs option " + TRAINER_OPTION
          + ": start the query with PsStreamingTrainer.start(...), not format(...) by hand");
    }
    PsStreamingTrainer<?> trainer = TRAINERS.get(id);
    if (trainer == null) {
      throw new IllegalStateException("no streaming trainer " + id + " in this driver (trainers are registered by "
          + "PsStreamingTrainer.start in the same application); start the query with PsStreamingTrainer.start");
    }
    return new TrainingSink(trainer);
  }
}
