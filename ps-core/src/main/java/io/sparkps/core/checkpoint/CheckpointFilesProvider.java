package io.sparkps.core.checkpoint;

/**
 * Service-provider interface: supplies {@link CheckpointFiles} for path schemes ps-core does not
 * handle itself. Registered in {@code META-INF/services/io.sparkps.core.checkpoint.CheckpointFilesProvider}.
 */
public interface CheckpointFilesProvider {

  /** Whether this provider handles {@code path} (usually by its URI scheme). */
  boolean supports(String path);

  CheckpointFiles filesFor(String path);
}
