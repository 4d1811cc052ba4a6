package io.sparkps.core.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Names inside a checkpoint root: {@code ckpt-NNNNNNNN/} per checkpoint (ids increase), in it
 * {@code t<tableId>-s<shard>.shard} per shard and {@code MANIFEST} once complete. Stateless.
 */
public final class CheckpointLayout {

  public static final String MANIFEST = "MANIFEST";
  private static final String PREFIX = "ckpt-";

  private CheckpointLayout() {}

  public static String checkpointDir(CheckpointFiles files, String root, long id) {
    return files.resolve(root, String.format(Locale.ROOT, "%s%08d", PREFIX, id));
  }

  public static String shardFile(CheckpointFiles files, String checkpointDir, int tableId, int shard) {
    return files.resolve(checkpointDir, "t" + tableId + "-s" + shard + ".shard");
  }

  public static String manifestFile(CheckpointFiles files, String checkpointDir) {
    return files.resolve(checkpointDir, MANIFEST);
  }

  /** Ids of the checkpoint directories under {@code root}, complete or not, ascending. */
  public static long[] ids(CheckpointFiles files, String root) throws IOException {
    List<String> names = files.list(root);
    return names.stream().filter(n -> n.startsWith(PREFIX)).map(n -> n.substring(PREFIX.length()))
        .filter(n -> !n.isEmpty() && n.chars().allMatch(Character::isDigit))
        .mapToLong(Long::parseLong).sorted().toArray();
  }

  /** The newest complete checkpoint under {@code root} (a directory with a manifest). */
  public static OptionalLong latestComplete(CheckpointFiles files, String root) throws IOException {
    long[] ids = ids(files, root);
    for (int i = ids.length - 1; i >= 0; i--) {
      if (files.exists(manifestFile(files, checkpointDir(files, root, ids[i])))) {
        return OptionalLong.of(ids[i]);
      }
    }
    return OptionalLong.empty();
  }

  /**
   * The checkpoint directory {@code path} names: itself if it holds a manifest, else the newest
   * complete checkpoint under it.
   */
  public static Optional<String> resolve(CheckpointFiles files, String path) throws IOException {
    if (files.exists(manifestFile(files, path))) {
      return Optional.of(path);
    }
    OptionalLong latest = latestComplete(files, path);
    return latest.isPresent() ? Optional.of(checkpointDir(files, path, latest.getAsLong())) : Optional.empty();
  }

  public static Manifest readManifest(CheckpointFiles files, String checkpointDir) throws IOException {
    String path = manifestFile(files, checkpointDir);
    try (InputStream in = files.open(path)) {
      return Manifest.read(in, path);
    }
  }
}
