package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkps.core.clock.RunFailedException;
import org.junit.jupiter.api.Test;

/** Invalid training data is recognised however Spark hands the task's failure back. */
class TrainingFailuresTest {

  private static final String MESSAGE = "invalid training data in partition 1, row 17 (counting from 0): "
      + "SparseExample label has 2.0: labels must be 0 or 1 for binary classification";

  @Test
  void theTasksExceptionAsACauseIsRethrownWithItsMessage() {
    InvalidTrainingDataException task = new InvalidTrainingDataException(MESSAGE);
    RuntimeException spark = new RuntimeException("Job aborted due to stage failure: Task 1 in stage 3.0 failed 1 "
        + "times, most recent failure: ...", task);
    InvalidTrainingDataException found = TrainingFailures.invalidData(spark);
    assertEquals(MESSAGE, found.getMessage());
    assertSame(spark, found.getCause(), "nothing is lost: the whole failure is the cause");
    assertSame(task, TrainingFailures.invalidData(task), "already the exception: as it is");
  }

  @Test
  void aBarrierStageAbortCarriesOnlyTheTextAndItIsFoundThere() {
    RuntimeException spark = new RuntimeException("Could not recover from a failed barrier ResultStage. Most recent "
        + "failure reason: Stage failed because barrier task ResultTask(3, 1) finished unsuccessfully.\n"
        + InvalidTrainingDataException.class.getName() + ": " + MESSAGE + "\n\tat io.sparkps.ml.classification."
        + "ExampleChecks.read(ExampleChecks.java:97)\n\tat io.sparkps.spark.PartitionWorker.call(PartitionWorker.java:44)");
    InvalidTrainingDataException found = TrainingFailures.invalidData(spark);
    assertEquals(MESSAGE, found.getMessage());
    assertSame(spark, found.getCause());
  }

  @Test
  void aWorkerReleasedByTheFailedOneCarriesItsReason() {
    RunFailedException released = new RunFailedException("run lr-epoch-0 failed: aborted: worker 1: "
        + InvalidTrainingDataException.class.getName() + ": " + MESSAGE + " (re-register worker 0 to resume)");
    RuntimeException spark = new RuntimeException("Stage failed because barrier task ResultTask(3, 0) finished "
        + "unsuccessfully.\n" + released, released);
    assertEquals(MESSAGE, TrainingFailures.invalidData(spark).getMessage());
  }

  @Test
  void otherFailuresAreLeftToRetryEvenWithCyclicCauses() {
    RuntimeException a = new RuntimeException("executor lost");
    IllegalStateException b = new IllegalStateException("a parameter server was lost", a);
    a.initCause(b);
    assertNull(TrainingFailures.invalidData(b));
    assertNull(TrainingFailures.invalidData(new IllegalArgumentException((String) null)));
  }

  @Test
  void aFunctionThatCannotBeSerialisedIsNotWorthRetrying() {
    RuntimeException spark = new RuntimeException("Task not serializable",
        new java.io.NotSerializableException("com.example.Tally"));
    assertTrue(TrainingFailures.notSerializable(spark));
    assertTrue(TrainingFailures.notSerializable(new RuntimeException("x", new java.io.NotSerializableException("y"))));
    assertFalse(TrainingFailures.notSerializable(new RuntimeException("Job aborted due to stage failure: "
        + "ExecutorLostFailure (executor 1 exited)")));
  }

  @Test
  void aReleasedWorkersKilledTaskQuotesTheReasonInsideSparksParentheses() {
    RuntimeException spark = new RuntimeException("Job aborted due to stage failure: Could not recover from a "
        + "failed barrier ResultStage.\nTaskKilled (spark-ps training run r stopped: run r failed: aborted: worker 1: "
        + InvalidTrainingDataException.class.getName() + ": " + MESSAGE + ")\nDriver stacktrace:");
    assertEquals(MESSAGE, TrainingFailures.invalidData(spark).getMessage());
  }
}
