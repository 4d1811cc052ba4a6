/** Evaluation metrics for models trained here (logloss, ROC AUC). Stateless helpers. */
package io.sparkps.ml.evaluation;
