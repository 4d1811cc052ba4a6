package io.sparkps.ml.classification;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * Factories for the Params the estimators and models share, so both declare them identically
 * (Java cannot mix in spark.ml's private shared-param traits). Every validator's range is in the
 * doc string, which Spark quotes when a value is refused. Stateless.
 */
final class PsParams {

  private PsParams() {}

  /**
   * Refuses {@code value} unless {@code p}'s validator accepts it, naming the param and its allowed
   * range (from its doc); Spark's own message names neither the range nor the fix.
   */
  static <T> void check(Param<T> p, T value) {
    if (!Boolean.TRUE.equals(p.isValid().apply(value))) {
      throw new IllegalArgumentException("invalid value: " + p.name() + "=" + value + " - " + p.doc());
    }
  }

  static Param<String> column(Params parent, String name, String doc) {
    return new Param<>(parent, name, doc);
  }

  static IntParam atLeast(Params parent, String name, String doc, int min) {
    return new IntParam(parent, name, doc + " (>= " + min + ")", ParamValidators.gtEq(min));
  }

  static DoubleParam atLeast(Params parent, String name, String doc, double min) {
    return new DoubleParam(parent, name, doc + " (>= " + min + ")", ParamValidators.gtEq(min));
  }

  static DoubleParam positive(Params parent, String name, String doc) {
    return new DoubleParam(parent, name, doc + " (> 0)", ParamValidators.gt(0));
  }

  static DoubleParam unit(Params parent, String name, String doc) {
    return new DoubleParam(parent, name, doc + " ([0, 1])", ParamValidators.inRange(0, 1));
  }

  static LongParam seed(Params parent) {
    return new LongParam(parent, "seed", "random seed (orders IPM's local passes)");
  }

  static BooleanParam flag(Params parent, String name, String doc) {
    return new BooleanParam(parent, name, doc);
  }

  /** A string Param taking one of {@code allowed}, in any case ({@link ChoiceParam}). */
  static ChoiceParam oneOf(Params parent, String name, String doc, String... allowed) {
    return new ChoiceParam(parent, name, doc, allowed);
  }

  /** {@code value} as a setter stores it: a {@link ChoiceParam}'s value in its listed spelling. */
  @SuppressWarnings("unchecked")
  static <T> T normalised(Param<T> p, T value) {
    return p instanceof ChoiceParam c ? (T) c.canonical((String) value) : value;
  }

  /** {@code owner}'s value of a {@link ChoiceParam} in its listed spelling (a ParamMap may hold "FTRL"). */
  static String choice(Params owner, ChoiceParam p) {
    return p.canonical((String) owner.getOrDefault(p));
  }
}
