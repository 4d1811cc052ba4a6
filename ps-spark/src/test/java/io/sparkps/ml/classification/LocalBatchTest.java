package io.sparkps.ml.classification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sparkps.ml.SparseExample;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** A batch's keys are the rows' distinct indices and the bias, sorted, and each row's slots point at its indices. */
class LocalBatchTest {

  @Test
  void slotsPointAtTheRowsKeysInSmallAndHashedBatches() {
    for (int rows : new int[] {50, 20_000}) {  // 20,000 rows x 10 features: the key table grows past its first size
      Random rnd = new Random(rows);
      SparseExample[] data = new SparseExample[rows];
      TreeSet<Long> all = new TreeSet<>();
      all.add(LocalBatch.BIAS_KEY);
      for (int r = 0; r < rows; r++) {
        TreeSet<Long> idx = new TreeSet<>();
        while (idx.size() < 10) {
          idx.add((long) rnd.nextInt(1 << 24));
        }
        all.addAll(idx);
        data[r] = new SparseExample(r % 2, idx.stream().mapToLong(Long::longValue).toArray(), new float[10], 1.5);
      }
      LocalBatch mb = LocalBatch.of(data, 0, rows);
      assertArrayEquals(all.stream().mapToLong(Long::longValue).toArray(), mb.keys);
      assertEquals(LocalBatch.BIAS_KEY, mb.keys[LocalBatch.biasSlot()]);
      for (int r = 0; r < rows; r++) {
        long[] idx = data[r].indices();
        for (int i = 0; i < idx.length; i++) {
          assertEquals(idx[i], mb.keys[mb.slots[r][i]], "row " + r + ", feature " + i);
        }
        assertEquals(r % 2, mb.labels[r]);
        assertEquals(1.5, mb.weights[r]);
      }
      assertEquals(1.5 * rows, mb.totalWeight(), 1e-9);
    }
  }
}
