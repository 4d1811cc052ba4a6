package io.sparkps.examples.data;

import io.sparkps.ml.evaluation.Metrics;
import java.util.HashSet;
import java.util.Set;

/**
 * The reference figure of {@code BENCHMARKS.md}: single-threaded plain-Java logistic regression trained by
 * AdaGrad SGD in one pass over the training rows (rows that are not held out), in row order.
 *
 * <p>For each training row with features {@code J} and label {@code y}: {@code p = sigmoid(w0 + sum_{j in J}
 * w[j])}, {@code g = p - y}; then for the bias and for every {@code j in J}: {@code G += g^2; w -= alpha * g /
 * sqrt(G)}. Every accumulator {@code G} starts at {@link Builder#initialAccumulator} (default 1.0, which
 * reproduces the figures of {@code BENCHMARKS.md}: 0.563 / 0.778 at N = 1M, D = 2^20; starting at 0 gives 0.567
 * / 0.774); a zero gradient changes nothing. Weights and accumulators are {@code float}s, the bias and its
 * accumulator {@code double}s. Weights start at 0.
 *
 * <p>Storage: two dense {@code float[D]} arrays ({@code 8 D} bytes) when {@code D <= denseMaxD}, else an
 * open-addressing primitive hash map over the touched features only (at most 32 bytes a touched feature), so
 * D = 2^27 also trains in a small heap. By default {@code denseMaxD} is the largest power of two whose dense
 * arrays take at most a quarter of the maximum heap (2^26 with {@code -Xmx2g}). Both give identical results.
 *
 * <p>Immutable and thread-safe (each {@code train} call has its own state); a {@link Model} is not safe to
 * share while it is being trained, and read-only afterwards.
 */
public final class PlainAdagradBaseline {

  public static final double DEFAULT_ALPHA = 0.1;
  public static final double DEFAULT_INITIAL_ACCUMULATOR = 1.0;
  private static final long AUTO = -1;

  private final double alpha;
  private final double initialAccumulator;
  private final long denseMaxD;

  private PlainAdagradBaseline(double alpha, double initialAccumulator, long denseMaxD) {
    this.alpha = alpha;
    this.initialAccumulator = initialAccumulator;
    this.denseMaxD = denseMaxD;
  }

  /** alpha 0.1, accumulators starting at 1, automatic storage choice. */
  public static PlainAdagradBaseline create() {
    return builder().build();
  }

  /** The given learning rate, defaults otherwise. */
  public static PlainAdagradBaseline create(double alpha) {
    return builder().alpha(alpha).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public double alpha() {
    return alpha;
  }

  public double initialAccumulator() {
    return initialAccumulator;
  }

  /** The largest D trained with dense arrays (resolves the automatic default against this JVM's max heap). */
  public long denseMaxD() {
    if (denseMaxD != AUTO) {
      return denseMaxD;
    }
    long quarterHeap = Runtime.getRuntime().maxMemory() / 4;
    return Math.min(1L << 30, Long.highestOneBit(Math.max(8, quarterHeap / 8)));
  }

  /** A trained model and its held-out figures. */
  public record Result(Model model, Metrics.Evaluation heldOut) {}

  /** Trains one pass over the training rows of {@code data} (generated on the fly), then evaluates held out. */
  public Result run(SyntheticData data) {
    Model model = train(data);
    return new Result(model, evaluate(model, data));
  }

  /** One pass over the training rows of {@code data}, generated on the fly in row order. */
  public Model train(SyntheticData data) {
    Model model = newModel(data.d());
    for (long r = 0; r < data.n(); r++) {
      if (!SyntheticData.isHeldOut(r)) {
        model.update(data.row(r));
      }
    }
    return model;
  }

  /**
   * One pass over {@code rows} (for example a materialized list, to time training without generation),
   * skipping held-out rows; feature indices must be in {@code [0, d)}.
   */
  public Model train(Iterable<SyntheticData.Row> rows, long d) {
    Model model = newModel(d);
    for (SyntheticData.Row row : rows) {
      if (!row.heldOut()) {
        model.update(row);
      }
    }
    return model;
  }

  private Model newModel(long d) {
    if (d < 1) {
      throw new IllegalArgumentException("features: d=" + d + " (allowed >= 1)");
    }
    WeightStore store = d <= denseMaxD() ? new DenseStore((int) d) : new HashedStore(d);
    return new Model(d, alpha, (float) initialAccumulator, store);
  }

  /** Held-out logloss and AUC of {@code model} over the held-out rows of {@code data}. */
  public static Metrics.Evaluation evaluate(Model model, SyntheticData data) {
    Metrics.Accumulator acc = new Metrics.Accumulator();
    for (long r = 9; r < data.n(); r += 10) {
      SyntheticData.Row row = data.row(r);
      acc.add(model.probability(row.features()), row.label());
    }
    return acc.evaluation();
  }

  /** Held-out logloss and AUC of {@code model} over the held-out rows among {@code rows}. */
  public static Metrics.Evaluation evaluate(Model model, Iterable<SyntheticData.Row> rows) {
    Metrics.Accumulator acc = new Metrics.Accumulator();
    for (SyntheticData.Row row : rows) {
      if (row.heldOut()) {
        acc.add(model.probability(row.features()), row.label());
      }
    }
    return acc.evaluation();
  }

  /** A logistic-regression model over feature indices {@code [0, d)}. Not thread-safe while training. */
  public static final class Model {
    private final long d;
    private final double alpha;
    private final float g0;
    private final WeightStore store;
    private double bias;
    private double biasAcc;
    private long updates;

    private Model(long d, double alpha, float initialAccumulator, WeightStore store) {
      this.d = d;
      this.alpha = alpha;
      this.g0 = initialAccumulator;
      this.store = store;
      this.biasAcc = initialAccumulator;
    }

    void update(SyntheticData.Row row) {
      long[] features = row.features();
      double g = SyntheticData.sigmoid(margin(features)) - row.label();
      updates++;
      if (g == 0.0) {
        return;
      }
      double g2 = g * g;
      biasAcc += g2;
      bias -= alpha * g / Math.sqrt(biasAcc);
      for (long j : features) {
        store.update(checkIndex(j), g, g2, alpha, g0);
      }
    }

    private long checkIndex(long j) {
      if (j < 0 || j >= d) {
        throw new IllegalArgumentException("feature index: j=" + j + " (allowed [0, " + d + "))");
      }
      return j;
    }

    /** Number of features D. */
    public long d() {
      return d;
    }

    /** Number of training rows seen. */
    public long updates() {
      return updates;
    }

    public double bias() {
      return bias;
    }

    /** The weight of feature {@code j} (0 if never touched). */
    public double weight(long j) {
      return store.weight(checkIndex(j));
    }

    /** Number of features that received at least one non-zero update. */
    public long touchedFeatures() {
      return store.touched();
    }

    /** {@code bias + sum of the weights of features} (binary features, every value 1). */
    public double margin(long[] features) {
      double m = bias;
      for (long j : features) {
        m += store.weight(checkIndex(j));
      }
      return m;
    }

    public double probability(long[] features) {
      return SyntheticData.sigmoid(margin(features));
    }
  }

  private interface WeightStore {
    float weight(long j);

    void update(long j, double g, double g2, double alpha, float g0);

    long touched();
  }

  private static final class DenseStore implements WeightStore {
    private final float[] w;
    private final float[] acc;
    private long touched;

    DenseStore(int d) {
      w = new float[d];
      acc = new float[d];
    }

    @Override
    public float weight(long j) {
      return w[(int) j];
    }

    @Override
    public void update(long j, double g, double g2, double alpha, float g0) {
      int i = (int) j;
      float a = acc[i];
      if (a == 0f) {
        touched++;
        a = g0;
      }
      a += (float) g2;
      acc[i] = a;
      w[i] -= (float) (alpha * g / Math.sqrt(a));
    }

    @Override
    public long touched() {
      return touched;
    }
  }

  /** Open addressing, linear probing, load factor at most 1/2; slots hold index + 1 (0 = empty). */
  private static final class HashedStore implements WeightStore {
    private long[] keys;
    private float[] w;
    private float[] acc;
    private int mask;
    private int shift;
    private int size;

    HashedStore(long d) {
      int capacity = (int) Math.min(1 << 20, Long.highestOneBit(Math.max(16, d)) << 1);
      keys = new long[capacity];
      w = new float[capacity];
      acc = new float[capacity];
      mask = capacity - 1;
      shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    private int slot(long key) {
      int i = (int) ((key * SyntheticData.GOLD) >>> shift); // Fibonacci hashing: the top bits
      while (keys[i] != 0 && keys[i] != key) {
        i = (i + 1) & mask;
      }
      return i;
    }

    @Override
    public float weight(long j) {
      int i = slot(j + 1);
      return keys[i] == 0 ? 0f : w[i];
    }

    @Override
    public void update(long j, double g, double g2, double alpha, float g0) {
      long key = j + 1;
      int i = slot(key);
      float a;
      if (keys[i] == 0) {
        if (2 * (size + 1) > keys.length) {
          grow();
          i = slot(key);
        }
        keys[i] = key;
        size++;
        a = g0;
      } else {
        a = acc[i];
      }
      a += (float) g2;
      acc[i] = a;
      w[i] -= (float) (alpha * g / Math.sqrt(a));
    }

    private void grow() {
      if (keys.length >= 1 << 30) {
        throw new IllegalStateException("hashed weights: capacity=" + keys.length + " (allowed <= 2^30)");
      }
      long[] oldKeys = keys;
      float[] oldW = w;
      float[] oldAcc = acc;
      keys = new long[oldKeys.length * 2];
      w = new float[keys.length];
      acc = new float[keys.length];
      mask = keys.length - 1;
      shift = 64 - Integer.numberOfTrailingZeros(keys.length);
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldKeys[i] != 0) {
          int s = slot(oldKeys[i]);
          keys[s] = oldKeys[i];
          w[s] = oldW[i];
          acc[s] = oldAcc[i];
        }
      }
    }

    @Override
    public long touched() {
      return size;
    }
  }

  /** Validating, set-once builder (a second call of a setter throws IllegalStateException); not thread-safe. */
  public static final class Builder {
    private final Set<String> set = new HashSet<>();
    private double alpha = DEFAULT_ALPHA;
    private double initialAccumulator = DEFAULT_INITIAL_ACCUMULATOR;
    private long denseMaxD = AUTO;

    private Builder() {}

    /** Learning rate, in (0, 100]. */
    public Builder alpha(double alpha) {
      requireUnset("learning rate", "alpha", this.alpha);
      if (!(alpha > 0 && alpha <= 100)) {
        throw new IllegalArgumentException("learning rate: alpha=" + alpha + " (allowed (0, 100])");
      }
      this.alpha = alpha;
      return this;
    }

    /** Starting value of every AdaGrad accumulator, in [0, 1000]; default 1. */
    public Builder initialAccumulator(double g0) {
      requireUnset("initial accumulator", "g0", this.initialAccumulator);
      if (!(g0 >= 0 && g0 <= 1000)) {
        throw new IllegalArgumentException("initial accumulator: g0=" + g0 + " (allowed [0, 1000])");
      }
      this.initialAccumulator = g0;
      return this;
    }

    /**
     * Largest D stored densely, in [0, 2^30]; above it a hash map over touched features is used. Default:
     * automatic (see the class comment).
     */
    public Builder denseMaxD(long maxD) {
      requireUnset("dense limit", "denseMaxD", this.denseMaxD == AUTO ? "auto" : this.denseMaxD);
      if (maxD < 0 || maxD > 1L << 30) {
        throw new IllegalArgumentException("dense limit: denseMaxD=" + maxD + " (allowed [0, 2^30])");
      }
      this.denseMaxD = maxD;
      return this;
    }

    public PlainAdagradBaseline build() {
      return new PlainAdagradBaseline(alpha, initialAccumulator, denseMaxD);
    }

    private void requireUnset(String what, String name, Object current) {
      if (!set.add(name)) {
        throw new IllegalStateException(what + ": " + name + " was already set to " + current);
      }
    }
  }

  @Override
  public String toString() {
    return "PlainAdagradBaseline[alpha=" + alpha + ", g0=" + initialAccumulator + ", denseMaxD="
        + (denseMaxD == AUTO ? "auto" : Long.toString(denseMaxD)) + "]";
  }
}
