package io.sparkps.core.transport;

/**
 * A thread waiting for a result ({@link Await#result}) was interrupted: whoever interrupted it
 * (Spark killing a task, a shutdown) wants it to stop. The thread's interrupt flag is set again
 * before this is thrown, so code further up still sees the interrupt; the operation waited for
 * was not cancelled and may still complete. Unchecked, so blocking calls need not declare {@link
 * InterruptedException}; the cause is the original one. Immutable.
 */
public class PsInterruptedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public PsInterruptedException(String message, InterruptedException cause) {
    super(message, cause);
  }
}
