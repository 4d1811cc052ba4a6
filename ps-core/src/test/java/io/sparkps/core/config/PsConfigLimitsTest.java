package io.sparkps.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Defaults, ranges and cross-checks of the backpressure and memory limits. */
class PsConfigLimitsTest {

  @Test
  void defaults() {
    PsConfig c = PsConfig.defaults();
    assertEquals(128, c.maxInFlightRequests());
    assertEquals(4L * PsConfig.DEFAULT_MAX_FRAME_BYTES, c.maxPendingBytes());
    assertEquals(2L * PsConfig.DEFAULT_MAX_FRAME_BYTES, c.maxConnectionPendingBytes());
    assertEquals(4096, c.shardQueueCapacity());
    assertEquals(0, c.maxShardBytes(), "unset: derived from the server's heap");
    assertEquals(3L << 30, c.maxShardBytes(4L << 30));
    assertEquals(4L << 20, PsConfig.builder().maxFrameBytes(1 << 20).build().maxPendingBytes(),
        "the pending bytes follow the frame limit");
  }

  @Test
  void pendingBytesMustHoldARequestAndAReplyOfTheLargestFrame() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PsConfig.builder().maxFrameBytes(1 << 20).maxPendingBytes((2L << 20) - 1).build());
    assertTrue(e.getMessage().contains("maxPendingBytes"), e.getMessage());
    assertEquals(2L << 20, PsConfig.builder().maxFrameBytes(1 << 20).maxPendingBytes(2L << 20).build()
        .maxPendingBytes());
  }

  @Test
  void settersCheckRangesAndAreSetOnce() {
    assertThrows(IllegalArgumentException.class, () -> PsConfig.builder().maxInFlightRequests(0));
    assertThrows(IllegalArgumentException.class, () -> PsConfig.builder().shardQueueCapacity(0));
    assertThrows(IllegalArgumentException.class, () -> PsConfig.builder().maxShardBytes(0));
    assertThrows(IllegalArgumentException.class, () -> PsConfig.builder().maxPendingBytes(100));
    assertThrows(IllegalStateException.class, () -> PsConfig.builder().maxInFlightRequests(1).maxInFlightRequests(2));
    assertThrows(IllegalStateException.class, () -> PsConfig.builder().maxShardBytes(1).maxShardBytes(2));
    PsConfig c = PsConfig.builder().maxInFlightRequests(7).shardQueueCapacity(9).maxShardBytes(11).build();
    assertEquals(7, c.maxInFlightRequests());
    assertEquals(9, c.shardQueueCapacity());
    assertEquals(11, c.maxShardBytes(1L << 40));
    assertEquals(c, PsConfig.builder().maxInFlightRequests(7).shardQueueCapacity(9).maxShardBytes(11).build());
    assertTrue(!c.equals(PsConfig.defaults()));
  }
}
