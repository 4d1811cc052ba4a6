package io.sparkps.core.check;

/**
 * The two validation helpers every builder and API entry point uses, so error messages
 * look the same everywhere: {@code "what: name=value (allowed range)"}.
 * Stateless and thread-safe.
 */
public final class Checks {

  private Checks() {}

  /** Throws {@link IllegalArgumentException} with the formatted message when {@code ok} is false. */
  public static void requireArgument(boolean ok, String template, Object... args) {
    if (!ok) {
      throw new IllegalArgumentException(String.format(template, args));
    }
  }

  /** Throws {@link IllegalStateException} with the formatted message when {@code ok} is false. */
  public static void requireState(boolean ok, String template, Object... args) {
    if (!ok) {
      throw new IllegalStateException(String.format(template, args));
    }
  }
}
