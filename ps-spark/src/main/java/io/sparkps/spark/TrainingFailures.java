package io.sparkps.spark;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tells the training failures a resubmitted run would only repeat (today: invalid training data)
 * from the ones a retry may cure (a lost executor, a timeout). Spark returns a task's exception as
 * the cause of its {@code SparkException}, but when it aborts a barrier stage, or cannot
 * deserialise the exception, only its text survives, as {@code
 * io.sparkps.spark.InvalidTrainingDataException: <message>} inside the failure's message (or inside
 * the {@code RunFailedException} of a worker the failed one released): both are recognised.
 * Stateless.
 */
final class TrainingFailures {

  private static final String NAME = InvalidTrainingDataException.class.getName() + ": ";
  /**
   * What the scheduler appends when a worker reports a clock of a failed run, and what wraps it
   * after that (Spark's "TaskKilled (...)" when the released worker's task is the one reported).
   */
  private static final Pattern RESUME_HINT = Pattern.compile("\\s*\\(re-register worker \\d+ to resume\\).*$");

  private TrainingFailures() {}

  /**
   * The invalid-data exception behind {@code failure}, to throw instead of retrying; null when
   * {@code failure} is not about the data. The result's cause is {@code failure}.
   */
  static InvalidTrainingDataException invalidData(Throwable failure) {
    if (failure instanceof InvalidTrainingDataException invalid) {
      return invalid;
    }
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof InvalidTrainingDataException invalid) {
        return new InvalidTrainingDataException(invalid.getMessage(), failure);
      }
    }
    seen.clear();
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      String m = t.getMessage();
      int at = m == null ? -1 : m.indexOf(NAME);
      if (at >= 0) {
        return new InvalidTrainingDataException(messageAfter(m, at + NAME.length()), failure);
      }
    }
    return null;
  }

  /**
   * Whether the run's function (or what it captures) cannot be serialised: Spark refuses the job
   * before any task runs, and it would refuse every resubmission the same way.
   */
  static boolean notSerializable(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof java.io.NotSerializableException
          || t.getMessage() != null && t.getMessage().startsWith("Task not serializable")) {
        return true;
      }
    }
    return false;
  }

  /** The exception's message as quoted in {@code text} from {@code from}: to the end of its line. */
  private static String messageAfter(String text, int from) {
    int nl = text.indexOf('\n', from);
    String line = (nl < 0 ? text.substring(from) : text.substring(from, nl)).trim();
    line = RESUME_HINT.matcher(line).replaceFirst("");
    // Quoted inside Spark's "TaskKilled (...)" (a worker the failed one released): drop the
    // wrapper's closing parentheses, which the exception's own message does not open.
    while (line.endsWith(")") && count(line, ')') > count(line, '(')) {
      line = line.substring(0, line.length() - 1).trim();
    }
    return line.isEmpty() ? "the training data is invalid (details in the cause)" : line;
  }

  private static long count(String s, char c) {
    return s.chars().filter(x -> x == c).count();
  }
}
