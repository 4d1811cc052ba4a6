package io.sparkps.core.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each built-in against an independent double-precision reference, plus loading of user updaters
 * and every way that can fail.
 */
class UpdatersTest {

  private static final int STEPS = 6;
  /** Guard floats either side of the row: an updater must write only inside its row. */
  private static final int PAD = 3;
  private static final float GUARD = 12345f;

  /** A reference optimizer in double: weights w, plus whatever state it keeps itself. */
  private interface Reference {
    void step(double[] w, double[] g);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8})
  void sumAddsTheDelta(int dim) {
    check(UpdaterSpec.sum(), dim, 0, (w, g) -> {
      for (int i = 0; i < w.length; i++) {
        w[i] += g[i];
      }
    });
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8})
  void assignReplacesTheWeights(int dim) {
    check(UpdaterSpec.assign(), dim, 0, (w, g) -> System.arraycopy(g, 0, w, 0, w.length));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8})
  void sgdStepsAgainstTheGradient(int dim) {
    double lr = 0.05;
    check(UpdaterSpec.sgd(lr), dim, 0, (w, g) -> {
      for (int i = 0; i < w.length; i++) {
        w[i] -= lr * g[i];
      }
    });
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8})
  void adagradMatchesReference(int dim) {
    double lr = 0.1;
    double eps = 1e-6;
    double[] n = new double[dim];
    check(UpdaterSpec.adagrad(lr, eps), dim, dim, (w, g) -> {
      for (int i = 0; i < w.length; i++) {
        n[i] += g[i] * g[i];
        w[i] -= lr * g[i] / (Math.sqrt(n[i]) + eps);
      }
    });
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8})
  void adamMatchesReference(int dim) {
    double lr = 0.01;
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-8;
    double[] m = new double[dim];
    double[] v = new double[dim];
    int[] t = {0};
    check(UpdaterSpec.adam(lr, b1, b2, eps), dim, 2 * dim + 1, (w, g) -> {
      t[0]++;
      for (int i = 0; i < w.length; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        double mHat = m[i] / (1 - Math.pow(b1, t[0]));
        double vHat = v[i] / (1 - Math.pow(b2, t[0]));
        w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
      }
    });
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8})
  void ftrlMatchesReference(int dim) {
    double alpha = 0.5;
    double beta = 1.0;
    double l1 = 0.05;
    double l2 = 0.1;
    double[] z = new double[dim];
    double[] n = new double[dim];
    check(UpdaterSpec.ftrl(alpha, beta, l1, l2), dim, 2 * dim, (w, g) -> {
      for (int i = 0; i < w.length; i++) {
        double sigma = (Math.sqrt(n[i] + g[i] * g[i]) - Math.sqrt(n[i])) / alpha;
        z[i] += g[i] - sigma * w[i];
        n[i] += g[i] * g[i];
        w[i] = Math.abs(z[i]) <= l1 ? 0
            : -(z[i] - Math.signum(z[i]) * l1) / ((beta + Math.sqrt(n[i])) / alpha + l2);
      }
    });
  }

  @Test
  void adagradStartsFromTheInitialAccumulator() {
    Updater u = Updaters.create(UpdaterSpec.adagrad(0.5, 0, 1.0));
    float[] row = new float[2];
    u.initState(row, 0, 1);
    org.junit.jupiter.api.Assertions.assertEquals(1.0f, row[1]);
    u.apply(row, 0, 1, new float[] {3}, 0);
    // n = 1 + 9 = 10; w = -0.5 * 3 / sqrt(10)
    org.junit.jupiter.api.Assertions.assertEquals(-1.5 / Math.sqrt(10), row[0], 1e-6);
    org.junit.jupiter.api.Assertions.assertEquals(10f, row[1], 1e-6);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> UpdaterSpec.adagrad(0.5, 0, -1));
  }

  @Test
  void ftrlKeepsWeightsAtZeroInsideTheL1Band() {
    Updater ftrl = Updaters.create(UpdaterSpec.ftrl(0.1, 1, 10, 0));
    float[] row = new float[3];
    ftrl.apply(row, 0, 1, new float[] {0.5f}, 0);
    assertEquals(0f, row[0]);
    assertEquals(0.5f, row[1], 1e-6);  // z
    assertEquals(0.25f, row[2], 1e-6);  // n
  }

  /** Runs a few seeded steps on a padded row and compares the weights with the reference after each. */
  private static void check(UpdaterSpec spec, int dim, int expectedState, Reference ref) {
    Updater u = Updaters.create(spec);
    assertEquals(expectedState, u.stateWidth(dim), "stateWidth");
    Random rnd = new Random(31L * dim + spec.name().hashCode());
    int width = dim + u.stateWidth(dim);
    float[] row = new float[PAD + width + PAD];
    Arrays.fill(row, GUARD);
    double[] w = new double[dim];
    for (int i = 0; i < dim; i++) {
      row[PAD + i] = (float) rnd.nextGaussian();
      w[i] = row[PAD + i];
    }
    Arrays.fill(row, PAD + dim, PAD + width, 0f);  // the store zeroes state before initState
    u.initState(row, PAD, dim);
    float[] delta = new float[1 + dim];
    for (int step = 0; step < STEPS; step++) {
      double[] g = new double[dim];
      for (int i = 0; i < dim; i++) {
        delta[1 + i] = (float) rnd.nextGaussian();
        g[i] = delta[1 + i];
      }
      u.apply(row, PAD, dim, delta, 1);
      ref.step(w, g);
      for (int i = 0; i < dim; i++) {
        double tol = 1e-5 * Math.abs(w[i]) + 1e-6;
        assertEquals(w[i], row[PAD + i], tol, spec + " dim=" + dim + " step=" + step + " col=" + i);
      }
    }
    for (int i = 0; i < PAD; i++) {
      assertEquals(GUARD, row[i], "wrote before the row");
      assertEquals(GUARD, row[PAD + width + i], "wrote after the row");
    }
  }

  @Test
  void shortFormsTakeTheFactoryDefaults() {
    assertInstanceOf(AdagradUpdater.class, Updaters.create(UpdaterSpec.of("adagrad", 0.1)));
    assertInstanceOf(AdamUpdater.class, Updaters.create(UpdaterSpec.of("adam", 0.1)));
    assertInstanceOf(SumUpdater.class, Updaters.create(UpdaterSpec.of("sum")));
    assertInstanceOf(AssignUpdater.class, Updaters.create(UpdaterSpec.assign()));
    assertInstanceOf(FtrlUpdater.class, Updaters.create(UpdaterSpec.ftrl(1, 1, 0, 0)));
    assertInstanceOf(SgdUpdater.class, Updaters.create(UpdaterSpec.sgd(1)));
  }

  @Test
  void wrongParameterCountNamesTheExpectedOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Updaters.create(UpdaterSpec.of("ftrl", 0.1, 1)));
    assertTrue(e.getMessage().contains("name=ftrl, params=2 (expected alpha, beta, l1, l2)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Updaters.create(UpdaterSpec.of("adam", 0.1, 0.9)));
    assertThrows(IllegalArgumentException.class, () -> Updaters.create(UpdaterSpec.of("sum", 1)));
    assertThrows(IllegalArgumentException.class, () -> Updaters.create(UpdaterSpec.of("sgd")));
  }

  @Test
  void invalidHyperParametersFromTheWireAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Updaters.create(UpdaterSpec.of("sgd", -1)));
    assertTrue(e.getMessage().contains("lr=-1.0"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Updaters.create(UpdaterSpec.of("adam", 0.1, 1.0, 0.9, 0)));
  }

  @Test
  void unknownBuiltInListsTheBuiltIns() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Updaters.create(UpdaterSpec.of("rmsprop", 0.1)));
    assertTrue(e.getMessage().startsWith("unknown updater: name=rmsprop"), e.getMessage());
    assertTrue(e.getMessage().contains(Updaters.BUILT_INS), e.getMessage());
  }

  // ---- user updaters ----

  /** A user updater configured through its parameters: w += scale * d. */
  public static final class ScaledSum implements Updater {
    final double scale;

    public ScaledSum(double[] params) {
      this.scale = params[0];
    }

    @Override
    public int stateWidth(int dim) {
      return 1;
    }

    @Override
    public void initState(float[] row, int off, int dim) {
      row[off + dim] = 7f;
    }

    @Override
    public void apply(float[] row, int off, int dim, float[] delta, int deltaOff) {
      for (int i = 0; i < dim; i++) {
        row[off + i] += (float) (scale * delta[deltaOff + i]);
      }
    }
  }

  /** A user updater without parameters: w -= d. */
  public static final class Subtract implements Updater {
    public Subtract() {}

    @Override
    public int stateWidth(int dim) {
      return 0;
    }

    @Override
    public void apply(float[] row, int off, int dim, float[] delta, int deltaOff) {
      for (int i = 0; i < dim; i++) {
        row[off + i] -= delta[deltaOff + i];
      }
    }
  }

  /** Fails in its constructor. */
  public static final class Throwing extends Base {
    public Throwing() {
      throw new IllegalStateException("boom");
    }
  }

  /** Has only a constructor the loader cannot use. */
  public static final class WrongConstructor extends Base {
    public WrongConstructor(int x) {}
  }

  /** Abstract: cannot be instantiated. */
  public abstract static class Base implements Updater {
    @Override
    public int stateWidth(int dim) {
      return 0;
    }

    @Override
    public void apply(float[] row, int off, int dim, float[] delta, int deltaOff) {}
  }

  @Test
  void loadsAUserUpdaterWithParameters() {
    Updater u = Updaters.create(UpdaterSpec.custom(ScaledSum.class.getName(), 2.5));
    assertEquals(2.5, ((ScaledSum) u).scale);
    float[] row = {1, 2, 0};
    u.initState(row, 0, 2);
    u.apply(row, 0, 2, new float[] {1, -2}, 0);
    assertEquals(3.5f, row[0]);
    assertEquals(-3f, row[1]);
    assertEquals(7f, row[2]);
  }

  @Test
  void eachCreateGivesAUserUpdaterItsOwnInstance() {
    UpdaterSpec spec = UpdaterSpec.custom(ScaledSum.class.getName(), 1);
    assertNotSame(Updaters.create(spec), Updaters.create(spec));
  }

  @Test
  void loadsAUserUpdaterWithANoArgConstructor() {
    Updater u = Updaters.create(UpdaterSpec.custom(Subtract.class.getName()));
    float[] row = {1};
    u.apply(row, 0, 1, new float[] {3}, 0);
    assertEquals(-2f, row[0]);
  }

  @Test
  void fallsBackToItsOwnLoaderWithoutAContextLoader() {
    Thread t = Thread.currentThread();
    ClassLoader saved = t.getContextClassLoader();
    t.setContextClassLoader(null);
    try {
      assertInstanceOf(Subtract.class, Updaters.create(UpdaterSpec.custom(Subtract.class.getName())));
    } finally {
      t.setContextClassLoader(saved);
    }
  }

  @Test
  void missingClassSaysToAddTheJar() {
    String msg = customError("com.example.NoSuchUpdater");
    assertTrue(msg.startsWith("unknown updater: class com.example.NoSuchUpdater not found"), msg);
    assertTrue(msg.contains("add the jar containing it to the server's classpath"), msg);
  }

  @Test
  void nonUpdaterClassIsRejected() {
    String msg = customError("java.lang.String");
    assertTrue(msg.contains("class=java.lang.String"), msg);
    assertTrue(msg.contains("does not implement " + Updater.class.getName()), msg);
  }

  @Test
  void throwingConstructorIsReported() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Updaters.create(UpdaterSpec.custom(Throwing.class.getName())));
    assertTrue(e.getMessage().contains("constructor threw java.lang.IllegalStateException: boom"), e.getMessage());
    assertInstanceOf(IllegalStateException.class, e.getCause());
  }

  @Test
  void unusableConstructorsAreReported() {
    assertTrue(customError(WrongConstructor.class.getName()).contains("no public (double[]) or no-argument constructor"));
    assertTrue(customError(Base.class.getName()).contains("must be a public, non-abstract class"));
  }

  @Test
  void parametersForANoArgUpdaterAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Updaters.create(UpdaterSpec.custom(Subtract.class.getName(), 0.5)));
    assertTrue(e.getMessage().contains("takes no parameters but the spec has 1"), e.getMessage());
  }

  private static String customError(String className) {
    return assertThrows(IllegalArgumentException.class,
        () -> Updaters.create(UpdaterSpec.custom(className))).getMessage();
  }
}
