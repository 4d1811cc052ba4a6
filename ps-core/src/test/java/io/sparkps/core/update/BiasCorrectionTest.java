package io.sparkps.core.update;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BiasCorrectionTest {

  /** Bit-for-bit the formula it replaces, inside the table, past its end and where it saturates. */
  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.5, 0.9, 0.99, 0.999, 0.9999, 0.999999})
  void equalsTheFormulaAtEveryStep(double beta) {
    BiasCorrection correction = new BiasCorrection(beta);
    for (int t = 1; t <= 3 * BiasCorrection.MAX_TABLE; t++) {
      assertEquals(1.0 - Math.pow(beta, t), correction.at(t), 0.0, () -> "beta=" + beta);
    }
    for (float t : new float[] {1e6f, 1 << 23, 1 << 24}) {
      assertEquals(1.0 - Math.pow(beta, t), correction.at(t), 0.0, () -> "beta=" + beta + " t=" + t);
    }
  }
}
