package io.sparkps.core.update;

import static io.sparkps.core.check.Checks.requireArgument;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A serialisable description of a table's updater: a built-in name with its
 * hyper-parameters, or {@code class:<fully.qualified.Name>} for a user updater loaded from
 * the server's classpath. {@link Updaters#create(UpdaterSpec)} turns it into an {@link Updater}.
 * Immutable and thread-safe.
 */
public final class UpdaterSpec implements Serializable {

  private static final long serialVersionUID = 1L;
  /** Prefix of the name of a user updater: {@code class:com.example.MyUpdater}. */
  public static final String CLASS_PREFIX = "class:";

  private final String name;
  private final double[] params;

  private UpdaterSpec(String name, double[] params) {
    this.name = Objects.requireNonNull(name, "name");
    this.params = params.clone();
  }

  /** Rebuilds a spec from its parts (used by the wire codec); validates as the factories do. */
  public static UpdaterSpec of(String name, double... params) {
    requireArgument(name != null && !name.isEmpty(), "updater name must not be empty: name=%s", name);
    return new UpdaterSpec(name, params == null ? new double[0] : params);
  }

  /** w += delta. The default: pushes are increments. */
  public static UpdaterSpec sum() {
    return new UpdaterSpec("sum", new double[0]);
  }

  /** w = delta. */
  public static UpdaterSpec assign() {
    return new UpdaterSpec("assign", new double[0]);
  }

  /** w -= lr * g (the push carries the gradient g). */
  public static UpdaterSpec sgd(double lr) {
    requireArgument(lr > 0, "sgd learning rate must be positive: lr=%s (> 0)", lr);
    return new UpdaterSpec("sgd", new double[] {lr});
  }

  /** AdaGrad: n += g^2; w -= lr * g / (sqrt(n) + eps). */
  public static UpdaterSpec adagrad(double lr) {
    return adagrad(lr, 1e-8);
  }

  /** AdaGrad with an explicit epsilon. */
  public static UpdaterSpec adagrad(double lr, double eps) {
    requireArgument(lr > 0, "adagrad learning rate must be positive: lr=%s (> 0)", lr);
    requireArgument(eps >= 0, "adagrad epsilon must not be negative: eps=%s (>= 0)", eps);
    return new UpdaterSpec("adagrad", new double[] {lr, eps});
  }

  /**
   * AdaGrad whose per-coordinate accumulator starts at {@code initialAccumulator} instead of 0
   * (1.0 tames the first steps on rare features; the shared benchmark's reference pass uses it).
   */
  public static UpdaterSpec adagrad(double lr, double eps, double initialAccumulator) {
    UpdaterSpec base = adagrad(lr, eps);
    requireArgument(initialAccumulator >= 0 && Double.isFinite(initialAccumulator),
        "adagrad initial accumulator must be finite and >= 0: initialAccumulator=%s", initialAccumulator);
    return new UpdaterSpec(base.name, new double[] {lr, eps, initialAccumulator});
  }

  /** Adam with the usual defaults beta1=0.9, beta2=0.999, eps=1e-8. */
  public static UpdaterSpec adam(double lr) {
    return adam(lr, 0.9, 0.999, 1e-8);
  }

  /** Adam (Kingma and Ba) with bias correction; the step count is kept per row. */
  public static UpdaterSpec adam(double lr, double beta1, double beta2, double eps) {
    requireArgument(lr > 0, "adam learning rate must be positive: lr=%s (> 0)", lr);
    requireArgument(beta1 >= 0 && beta1 < 1, "adam beta1 out of range: beta1=%s ([0, 1))", beta1);
    requireArgument(beta2 >= 0 && beta2 < 1, "adam beta2 out of range: beta2=%s ([0, 1))", beta2);
    requireArgument(eps >= 0, "adam epsilon must not be negative: eps=%s (>= 0)", eps);
    return new UpdaterSpec("adam", new double[] {lr, beta1, beta2, eps});
  }

  /** FTRL-proximal (McMahan et al. 2013) with per-coordinate z and n state. */
  public static UpdaterSpec ftrl(double alpha, double beta, double l1, double l2) {
    requireArgument(alpha > 0, "ftrl alpha must be positive: alpha=%s (> 0)", alpha);
    requireArgument(beta >= 0, "ftrl beta must not be negative: beta=%s (>= 0)", beta);
    requireArgument(l1 >= 0, "ftrl l1 must not be negative: l1=%s (>= 0)", l1);
    requireArgument(l2 >= 0, "ftrl l2 must not be negative: l2=%s (>= 0)", l2);
    return new UpdaterSpec("ftrl", new double[] {alpha, beta, l1, l2});
  }

  /**
   * A user updater: a public class implementing {@link Updater} with a public constructor
   * taking {@code double[]} (receives {@code params}) or a public no-argument constructor.
   */
  public static UpdaterSpec custom(String className, double... params) {
    requireArgument(className != null && !className.isBlank(),
        "custom updater needs a class name: className=%s", className);
    return new UpdaterSpec(CLASS_PREFIX + className, params == null ? new double[0] : params);
  }

  public String name() {
    return name;
  }

  /** A copy of the hyper-parameters, in the order of the factory method's arguments. */
  public double[] params() {
    return params.clone();
  }

  /** The hyper-parameter at {@code i}, without copying. */
  public double param(int i) {
    return params[i];
  }

  public int paramCount() {
    return params.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UpdaterSpec other && name.equals(other.name) && Arrays.equals(params, other.params);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(params);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(params);
  }
}
