package io.sparkps.bench.transport;

/**
 * A parameter-server system under test, populated with the benchmark's tables. Each
 * {@link Session} is one client with its own connection, used by one thread.
 */
public interface BenchSystem extends AutoCloseable {

  /** Short name used in CSV and tables ({@code reference}, {@code spark-ps}, ...). */
  String name();

  /** Sets the dense rows to {@code dense} and the sparse rows of {@code keys} to {@code values} (AdaGrad state zero). */
  void load(float[] dense, long[] keys, float[] values) throws Exception;

  /** A new client with its own connection. */
  Session openSession() throws Exception;

  @Override
  void close() throws Exception;

  /** One client; NOT thread-safe (one thread each). */
  interface Session extends AutoCloseable {

    float[] densePull(BenchTable table) throws Exception;

    void densePush(BenchTable table, float[] values) throws Exception;

    /** Keys sorted ascending and unique. */
    float[] sparsePull(BenchTable table, long[] keys) throws Exception;

    void sparsePush(BenchTable table, long[] keys, float[] values) throws Exception;

    @Override
    void close() throws Exception;
  }
}
