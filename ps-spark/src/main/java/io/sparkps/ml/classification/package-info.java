/**
 * Classifiers trained on the parameter server.
 * {@link io.sparkps.ml.classification.SparseLogisticRegression} trains sparse binary logistic
 * regression: weights in a sparse table, the optimizer applied by the servers, workers gated by
 * the run's consistency model. Runs on the Spark driver; the per-partition work runs in tasks.
 */
package io.sparkps.ml.classification;
