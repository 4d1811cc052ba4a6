package io.sparkps.ml.streaming;

import java.util.Locale;

/**
 * What one micro-batch did. {@code rows} reached the model (counted on the servers, each once);
 * {@code invalidRows} were skipped; {@code appliedSeconds} runs from the micro-batch's arrival in
 * the trainer to its last update acknowledged by every server (the model's freshness);
 * {@code commitSeconds} covers logging its commit and, every few micro-batches, the full checkpoint
 * ({@code fullCheckpoint}); {@code logLoss} is the progressive training loss (each row scored
 * before its own update), NaN without rows; {@code replayed} is true for a micro-batch trained
 * again from the log after a restart.
 */
public record MicroBatchStats(long batchId, long rows, long invalidRows, double appliedSeconds,
    double commitSeconds, boolean fullCheckpoint, double logLoss, long maxStaleness, boolean replayed) {

  /** Rows per second from arrival to applied. */
  public double rowsPerSecond() {
    return appliedSeconds > 0 ? rows / appliedSeconds : 0;
  }

  /** One line for the log and the shell. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "micro-batch %d%s: %,d rows%s applied in %.3f s (%,.0f rows/s), "
            + "progressive logloss %.4f, max staleness %d, commit %.3f s%s", batchId, replayed ? " (replayed)" : "",
        rows, invalidRows > 0 ? " (" + invalidRows + " invalid skipped)" : "", appliedSeconds, rowsPerSecond(),
        logLoss, maxStaleness, commitSeconds, fullCheckpoint ? " with a full checkpoint" : "");
  }
}
