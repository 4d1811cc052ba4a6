package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Server slots: capped by spark.ps.servers, freed with their executor so a replacement gets one. */
class ServerSlotsTest {

  @Test
  void aRemovedExecutorsSlotGoesToItsReplacement() {
    ServerSlots slots = new ServerSlots(2);
    assertNull(slots.grant("1"));
    assertNull(slots.grant("2"));
    String refused = slots.grant("3");
    assertNotNull(refused);
    assertTrue(refused.contains("spark.ps.servers=2"), refused);
    assertNull(slots.grant("2"), "an executor asking again (its server was cut off) keeps its slot");

    slots.release("1");
    assertNull(slots.grant("3"), "the replacement of a removed executor hosts a server");
    assertEquals(2, slots.granted());
  }

  @Test
  void noCapGrantsEveryExecutorAndNegativeCapsAreRefused() {
    ServerSlots slots = new ServerSlots(0);
    for (int i = 0; i < 100; i++) {
      assertNull(slots.grant(Integer.toString(i)));
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ServerSlots(-1));
    assertTrue(e.getMessage().contains("spark.ps.servers=-1"), e.getMessage());
  }
}
