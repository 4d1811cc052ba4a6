package io.sparkps.core.client;

/** Sorts a long[] ascending and applies the same permutation to an int[]; no boxing. Stateless. */
final class IndexSort {

  private IndexSort() {}

  static void sort(long[] keys, int[] perm) {
    quicksort(keys, perm, 0, keys.length - 1);
  }

  private static void quicksort(long[] k, int[] p, int lo, int hi) {
    while (hi - lo > 16) {
      long pivot = median(k[lo], k[(lo + hi) >>> 1], k[hi]);
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (k[i] < pivot) {
          i++;
        }
        while (k[j] > pivot) {
          j--;
        }
        if (i <= j) {
          swap(k, p, i++, j--);
        }
      }
      // Recurse into the smaller half so the stack stays O(log n).
      if (j - lo < hi - i) {
        quicksort(k, p, lo, j);
        lo = i;
      } else {
        quicksort(k, p, i, hi);
        hi = j;
      }
    }
    for (int i = lo + 1; i <= hi; i++) {
      for (int j = i; j > lo && k[j - 1] > k[j]; j--) {
        swap(k, p, j, j - 1);
      }
    }
  }

  private static long median(long a, long b, long c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }

  private static void swap(long[] k, int[] p, int i, int j) {
    long t = k[i];
    k[i] = k[j];
    k[j] = t;
    int u = p[i];
    p[i] = p[j];
    p[j] = u;
  }
}
