package io.sparkps.core.clock;

/**
 * A training run failed (a worker died, timed out, or the run was aborted): every worker waiting
 * in {@code clock()} or {@code barrier()} of that run is released with this. Retrying the failed
 * tasks under the same run id resumes the run from its clocks.
 */
public class RunFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public RunFailedException(String message) {
    super(message);
  }
}
