package io.sparkps.spark;

/**
 * Recognises the failure of executors that cannot load spark-ps classes and says how to fix it.
 * Stateless.
 */
final class MissingJar {

  private MissingJar() {}

  /** {@code failure} rephrased when executors lack the spark-ps jar; otherwise null. */
  static IllegalStateException explain(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      // A closure that does not serialise fails on the driver: its serialization stack names
      // SerializedLambda too, but the jar has nothing to do with it; keep Spark's error.
      if (t instanceof java.io.NotSerializableException
          || String.valueOf(t.getMessage()).contains("Task not serializable")) {
        return null;
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      boolean missingClass = t instanceof ClassNotFoundException || t instanceof NoClassDefFoundError
          || m.contains("ClassNotFoundException") || m.contains("NoClassDefFoundError");
      // A lambda whose defining class is missing on the executor deserialises as a bare
      // SerializedLambda, which Spark then fails to assign: the usual face of a missing jar.
      boolean orphanLambda = m.contains("java.lang.invoke.SerializedLambda");
      if ((missingClass && m.contains("io.sparkps")) || orphanLambda) {
        return new IllegalStateException("executors cannot load spark-ps classes (" + firstLine(m) + "): ship "
            + "the spark-ps jar to them with spark-submit --jars <path>/ps-spark-<version>-all.jar (or the "
            + "spark.jars setting); in spark-shell pass the same --jars", failure);
      }
    }
    return null;
  }

  private static String firstLine(String m) {
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
