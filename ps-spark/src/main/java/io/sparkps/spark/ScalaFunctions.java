package io.sparkps.spark;

import java.io.Serializable;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/** Adapters for the few Scala-only Spark APIs we call from Java (barrier mapPartitions). Stateless. */
final class ScalaFunctions {

  private ScalaFunctions() {}

  /** A serialisable Scala {@code Iterator[T] => Iterator[Integer]} running a partition worker. */
  static <T> AbstractFunction1<Iterator<T>, Iterator<Integer>> partitions(PartitionWorker<T> worker) {
    return new PartitionFunction<>(worker);
  }

  private static final class PartitionFunction<T> extends AbstractFunction1<Iterator<T>, Iterator<Integer>>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final PartitionWorker<T> worker;

    PartitionFunction(PartitionWorker<T> worker) {
      this.worker = worker;
    }

    @Override
    public Iterator<Integer> apply(Iterator<T> rows) {
      try {
        return CollectionConverters.asScala(worker.call(CollectionConverters.asJava(rows)));
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("training task failed: " + e.getMessage(), e);
      }
    }
  }
}
