package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.sparkps.core.clock.RunFailedException;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.transport.PsDeadlineException;
import io.sparkps.core.transport.PsInterruptedException;
import io.sparkps.core.transport.PsTimeoutException;
import io.sparkps.core.transport.PsTransportException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.apache.spark.TaskKilledException;
import org.junit.jupiter.api.Test;

/** Which failures of a training task end it as killed (a handled fault or an interrupt) and which fail it. */
class PartitionWorkerTest {

  private static TaskKilledException ended(Throwable e) {
    return PartitionWorker.endedAsKilled("r", e);
  }

  @Test
  void anInterruptedWaitEndsTheTaskKilled() {
    PsInterruptedException interrupted = new PsInterruptedException("interrupted while waiting for clock of worker 1",
        new InterruptedException());
    TaskKilledException k = ended(interrupted);
    assertNotNull(k);
    assertEquals("spark-ps training run r stopped: interrupted while waiting for clock of worker 1", k.reason());
    assertEquals("spark-ps training run r stopped: the task was interrupted",
        ended(new IllegalStateException("user code", new InterruptedException("sleep interrupted"))).reason(),
        "an interrupt inside the user's code too");
    TaskKilledException bySpark = new TaskKilledException("stage cancelled");
    assertSame(bySpark, ended(new RuntimeException("wrapped", bySpark)), "Spark's own kill is kept as it is");
  }

  @Test
  void aLocalDeadlineFailsTheTaskAndARemoteTimeoutToo() {
    assertNull(ended(new PsDeadlineException("clock of worker 1 in run r did not complete within PT30M (...)",
        Duration.ofMinutes(30), null)));
    assertNull(ended(new PsRemoteException(ErrorCode.TIMEOUT, "gate wait ended")));
  }

  @Test
  void aRolledBackRunOrALostServerEndsTheTaskKilled() {
    assertEquals("spark-ps training run r stopped: a parameter server connection was lost",
        ended(new UncheckedIOException("push failed", new PsTransportException("connection closed"))).reason());
    assertEquals("spark-ps training run r stopped: a parameter server did not answer in time",
        ended(new UncheckedIOException("pull failed", new PsTimeoutException("request PULL timed out"))).reason());
    assertNotNull(ended(new RunFailedException("run r failed: worker 2 lost")));
    assertNotNull(ended(new PsRemoteException(ErrorCode.SERVER_DEAD, "server 1 is dead")));
    assertNull(ended(new IllegalArgumentException("keys must be sorted")));
  }
}
