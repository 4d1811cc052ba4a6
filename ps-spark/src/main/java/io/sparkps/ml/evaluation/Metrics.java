package io.sparkps.ml.evaluation;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Binary-classification metrics: logloss and exact ROC AUC, on arrays or through an {@link Accumulator}.
 * Labels are 0.0 or 1.0 (anything else is rejected); scores and probabilities must not be NaN.
 *
 * <p>Static methods are pure and thread-safe; an {@link Accumulator} is not thread-safe.
 */
public final class Metrics {

  /** Probabilities are clipped to {@code [EPS, 1 - EPS]} before taking logarithms. */
  public static final double EPS = 1e-15;

  private Metrics() {}

  /** Held-out figures of one model. */
  public record Evaluation(long count, double logLoss, double auc) {
    @Override
    public String toString() {
      return String.format("n=%d logloss=%.4f auc=%.4f", count, logLoss, auc);
    }
  }

  /**
   * Logloss and AUC of a classifier's output: the positive class's probability (element 1 of the
   * {@code probability} vector) against the {@code label} column, collected to the driver.
   */
  public static Evaluation evaluate(Dataset<?> predictions) {
    List<Row> rows = predictions.select("probability", "label").collectAsList();
    double[] p = new double[rows.size()];
    double[] y = new double[rows.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = ((Vector) rows.get(i).get(0)).apply(1);
      y[i] = ((Number) rows.get(i).get(1)).doubleValue();
    }
    return new Evaluation(p.length, logLoss(p, y), auc(p, y));
  }

  /** Mean negative log-likelihood of labels {@code y} under probabilities {@code p}, clipped to [1e-15, 1 - 1e-15]. */
  public static double logLoss(double[] p, double[] y) {
    checkLengths(p, y);
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      sum += pointLogLoss(p[i], y[i]);
    }
    return sum / p.length;
  }

  /** The logloss of one prediction, {@code -log(p)} if {@code y = 1} else {@code -log(1 - p)}, clipped. */
  public static double pointLogLoss(double p, double y) {
    if (Double.isNaN(p)) {
      throw new IllegalArgumentException("probability: p=NaN (allowed [0, 1])");
    }
    double q = Math.min(Math.max(p, EPS), 1.0 - EPS);
    return isPositive(y) ? -Math.log(q) : -Math.log(1.0 - q);
  }

  /**
   * Exact area under the ROC curve: the probability that a random positive scores above a random negative,
   * ties counting one half (the Mann-Whitney statistic, equal to the rank formula with tied ranks averaged).
   * O(n log n) time, O(n) extra memory. Needs at least one positive and one negative.
   */
  public static double auc(double[] score, double[] y) {
    checkLengths(score, y);
    int positives = 0;
    for (double label : y) {
      if (isPositive(label)) {
        positives++;
      }
    }
    double[] pos = new double[positives];
    double[] neg = new double[y.length - positives];
    int ip = 0;
    int in = 0;
    for (int i = 0; i < y.length; i++) {
      if (y[i] == 1.0) {
        pos[ip++] = checkScore(score[i]);
      } else {
        neg[in++] = checkScore(score[i]);
      }
    }
    return sortedAuc(pos, ip, neg, in);
  }

  /** AUC from the positives' scores {@code pos[0, np)} and the negatives' scores {@code neg[0, nn)}; sorts both. */
  static double sortedAuc(double[] pos, int np, double[] neg, int nn) {
    if (np == 0 || nn == 0) {
      throw new IllegalArgumentException(
          "auc: positives=" + np + ", negatives=" + nn + " (allowed: at least one of each)");
    }
    Arrays.sort(pos, 0, np);
    Arrays.sort(neg, 0, nn);
    // For each positive (ascending), count negatives strictly below it and equal to it.
    double wins = 0; // counts in units of 1/2 are exact in a double up to 2^52
    int below = 0;
    int upTo = 0;
    for (int i = 0; i < np; i++) {
      double s = pos[i];
      while (below < nn && neg[below] < s) {
        below++;
      }
      if (upTo < below) {
        upTo = below;
      }
      while (upTo < nn && neg[upTo] == s) {
        upTo++;
      }
      wins += 2.0 * below + (upTo - below);
    }
    return wins / (2.0 * np * (double) nn);
  }

  private static double checkScore(double s) {
    if (Double.isNaN(s)) {
      throw new IllegalArgumentException("score: score=NaN (allowed: not NaN)");
    }
    return s + 0.0; // -0.0 becomes 0.0, so Arrays.sort's order agrees with ==
  }

  private static boolean isPositive(double y) {
    if (y == 1.0) {
      return true;
    }
    if (y == 0.0) {
      return false;
    }
    throw new IllegalArgumentException("label: y=" + y + " (allowed 0 or 1)");
  }

  private static void checkLengths(double[] a, double[] y) {
    if (a.length != y.length) {
      throw new IllegalArgumentException(
          "lengths: predictions=" + a.length + ", labels=" + y.length + " (must be equal)");
    }
    if (a.length == 0) {
      throw new IllegalArgumentException("lengths: n=0 (allowed >= 1)");
    }
  }

  /**
   * Collects (probability, label) pairs one at a time, keeping the logloss sum as it goes and the scores for
   * the AUC (16 bytes a row). {@link #merge} combines accumulators from different threads or partitions.
   * Not thread-safe.
   */
  public static final class Accumulator {
    private double[] pos = new double[16];
    private double[] neg = new double[16];
    private int np;
    private int nn;
    private double logLossSum;

    /** Adds one prediction: probability {@code p} in [0, 1] (clipped for the logloss), label 0 or 1. */
    public Accumulator add(double p, double y) {
      logLossSum += pointLogLoss(p, y);
      if (y == 1.0) {
        if (np == pos.length) {
          pos = Arrays.copyOf(pos, grow(np));
        }
        pos[np++] = p + 0.0;
      } else {
        if (nn == neg.length) {
          neg = Arrays.copyOf(neg, grow(nn));
        }
        neg[nn++] = p + 0.0;
      }
      return this;
    }

    /** Adds everything {@code other} holds; {@code other} is unchanged. */
    public Accumulator merge(Accumulator other) {
      for (int i = 0; i < other.np; i++) {
        if (np == pos.length) {
          pos = Arrays.copyOf(pos, grow(np));
        }
        pos[np++] = other.pos[i];
      }
      for (int i = 0; i < other.nn; i++) {
        if (nn == neg.length) {
          neg = Arrays.copyOf(neg, grow(nn));
        }
        neg[nn++] = other.neg[i];
      }
      logLossSum += other.logLossSum;
      return this;
    }

    public long count() {
      return (long) np + nn;
    }

    public long positives() {
      return np;
    }

    public double logLoss() {
      if (count() == 0) {
        throw new IllegalStateException("accumulator: count=0 (add predictions first)");
      }
      return logLossSum / count();
    }

    /** Exact AUC of what was added so far (sorts the stored scores in place). */
    public double auc() {
      return sortedAuc(pos, np, neg, nn);
    }

    public Evaluation evaluation() {
      return new Evaluation(count(), logLoss(), auc());
    }

    private static int grow(int size) {
      if (size >= Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("accumulator: size=" + size + " (allowed < 2^31 - 16 per class)");
      }
      return (int) Math.min(Integer.MAX_VALUE - 8L, size * 2L);
    }
  }
}
