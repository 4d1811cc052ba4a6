package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.NotSerializableException;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/** Which failures {@link MissingJar} rephrases as "ship the jar", with Spark's own messages. */
class MissingJarTest {

  @Test
  void aLambdaThatExecutorsCannotResolveIsAMissingJar() {
    SparkException e = new SparkException("Job aborted due to stage failure: Task 0 in stage 1.0 failed 4 times, "
        + "most recent failure: java.lang.ClassCastException: cannot assign instance of "
        + "java.lang.invoke.SerializedLambda to field org.apache.spark.rdd.MapPartitionsRDD.f of type "
        + "scala.Function3 in instance of org.apache.spark.rdd.MapPartitionsRDD");
    IllegalStateException explained = MissingJar.explain(e);
    assertNotNull(explained);
    assertSame(e, explained.getCause());
  }

  @Test
  void aMissingSparkPsClassIsAMissingJar() {
    assertNotNull(MissingJar.explain(new SparkException("task failed",
        new ClassNotFoundException("io.sparkps.spark.ExecutorServers"))));
  }

  /**
   * With the SerializationDebugger working (scripts/jvm.options opens sun.security.action), the
   * message of a closure that does not serialise lists a SerializedLambda in its serialization
   * stack: still the user's closure, not a missing jar.
   */
  @Test
  void aClosureThatDoesNotSerialiseKeepsSparksError() {
    NotSerializableException cause = new NotSerializableException("$line9.$read$$iw$Tally\nSerialization stack:\n"
        + "\t- object not serializable (class: $line9.$read$$iw$Tally, value: $line9.$read$$iw$Tally@62f2811)\n"
        + "\t- field (class: java.lang.invoke.SerializedLambda, name: capturedArgs, type: class "
        + "[Ljava.lang.Object;)");
    SparkException e = new SparkException("Job aborted due to stage failure: Task not serializable: "
        + "java.io.NotSerializableException: " + cause.getMessage(), cause);
    assertNull(MissingJar.explain(e));
  }
}
