package io.sparkps.ml.classification;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The mini-batches training tasks prepared, kept in the executor JVM for the fit's later epochs:
 * rows are read, checked, batched and their keys sorted once per (fit, partition) instead of once
 * per epoch. Keys name the training call (a fresh id per fit), the partition and the layout, so
 * an entry is only ever reused for the very rows it was built from (a persisted partition is the
 * same rows every epoch). Bounded: least recently used entries go once the estimated size passes
 * a quarter of the heap, and an entry is only a shortcut: a task that misses (a new executor after
 * a loss, an evicted entry) prepares its batches again from its rows. Thread-safe.
 */
final class BatchCache {

  /** What can be cached: anything that can estimate its heap size. */
  interface Entry {
    long bytes();
  }

  private static final long BUDGET = Runtime.getRuntime().maxMemory() / 4;
  private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>(16, 0.75f, true);
  private static long used;

  private BatchCache() {}

  /**
   * The entry under {@code key}, built by {@code build} (outside the lock) when absent. An entry
   * larger than the whole budget is returned without being kept.
   */
  @SuppressWarnings("unchecked")
  static <E extends Entry> E get(String key, Supplier<E> build) {
    synchronized (BatchCache.class) {
      Entry e = ENTRIES.get(key);
      if (e != null) {
        return (E) e;
      }
    }
    E built = build.get();
    long bytes = built.bytes();
    synchronized (BatchCache.class) {
      if (bytes > BUDGET) {
        return built;
      }
      Entry old = ENTRIES.put(key, built);
      used += bytes - (old == null ? 0 : old.bytes());
      for (Iterator<Entry> it = ENTRIES.values().iterator(); used > BUDGET && it.hasNext(); ) {
        Entry victim = it.next();
        if (victim != built) {
          used -= victim.bytes();
          it.remove();
        }
      }
    }
    return built;
  }

  /** Drops every entry whose key starts with {@code prefix} (a fit that ended, on this JVM). */
  static synchronized void dropPrefix(String prefix) {
    for (Iterator<Map.Entry<String, Entry>> it = ENTRIES.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Entry> e = it.next();
      if (e.getKey().startsWith(prefix)) {
        used -= e.getValue().bytes();
        it.remove();
      }
    }
  }

  /** Whether an entry is cached under {@code key} (tests). */
  static synchronized boolean contains(String key) {
    return ENTRIES.containsKey(key);
  }
}
