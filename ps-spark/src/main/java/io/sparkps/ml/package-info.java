/**
 * Machine learning on the parameter server: {@link io.sparkps.ml.SparseExample} (the compact row
 * training tasks keep), trainers in {@code classification}, metrics in {@code evaluation}.
 */
package io.sparkps.ml;
