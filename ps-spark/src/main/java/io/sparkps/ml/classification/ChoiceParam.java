package io.sparkps.ml.classification;

import java.io.Serializable;
import java.util.Locale;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import scala.runtime.AbstractFunction1;

/**
 * A string Param with a fixed set of values, accepted in any case as spark.ml's own string Params
 * are ({@code "FTRL"} is {@code "ftrl"}); {@link #canonical} gives the listed spelling, which the
 * estimators' setters store and getters return. Immutable.
 */
final class ChoiceParam extends Param<String> {

  private static final long serialVersionUID = 1L;

  private final String[] allowed;

  ChoiceParam(Params parent, String name, String doc, String... allowed) {
    super(parent, name, doc + " (one of " + String.join(", ", allowed) + "; any case)", new IsAllowed(allowed));
    this.allowed = allowed.clone();
  }

  /** The listed spelling of {@code value}, or {@code value} itself if it is none of them (or null). */
  String canonical(String value) {
    return canonical(allowed, value);
  }

  private static String canonical(String[] allowed, String value) {
    if (value != null) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      for (String a : allowed) {
        if (a.toLowerCase(Locale.ROOT).equals(v)) {
          return a;
        }
      }
    }
    return value;
  }

  /** The validator: true when the value is one of the allowed ones, in any case. */
  private static final class IsAllowed extends AbstractFunction1<String, Object> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String[] allowed;

    IsAllowed(String[] allowed) {
      this.allowed = allowed.clone();
    }

    @Override
    public Object apply(String value) {
      String c = canonical(allowed, value);
      for (String a : allowed) {
        if (a.equals(c)) {
          return Boolean.TRUE;
        }
      }
      return Boolean.FALSE;
    }
  }
}
