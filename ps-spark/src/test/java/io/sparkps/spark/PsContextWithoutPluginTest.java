package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.config.TableSpec;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** An existing session without the plugin (spark-shell, notebooks), and use after stop. */
class PsContextWithoutPluginTest {

  @Test
  void getOrCreateStartsEverythingItselfAndHandlesFailClearlyAfterStop() {
    SparkSession spark = LocalSpark.builder("local[2]", false).getOrCreate();
    SparseTableHandle w;
    try {
      PsContext ps = PsContext.getOrCreate(spark);
      assertEquals(1, ps.routing().servers().size());
      w = ps.sparseTable(TableSpec.sparse("w", 2));
      w.push(new long[] {1}, new float[] {1, 2});
      assertArrayEquals(new float[] {1, 2}, w.pull(new long[] {1}));
    } finally {
      spark.stop();
    }
    SparseTableHandle stale = w;
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> stale.pull(new long[] {1}));
    assertTrue(e.getMessage().contains("PsContext.getOrCreate"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> PsContext.getOrCreate(spark));
  }
}
