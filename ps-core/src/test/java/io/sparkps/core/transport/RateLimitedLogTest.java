package io.sparkps.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** At most one line per interval, however many strangers are refused. */
class RateLimitedLogTest {

  @Test
  void countsEveryEventAndWritesOneLinePerInterval() {
    AtomicLong now = new AtomicLong(5);
    RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(RateLimitedLogTest.class), now::get,
        Duration.ofSeconds(30));
    for (int i = 0; i < 1000; i++) {
      log.warn("refused stranger " + i);
    }
    assertEquals(1000, log.events());
    assertEquals(1, log.lines());
    now.addAndGet(Duration.ofSeconds(29).toNanos());
    log.warn("still within the interval");
    assertEquals(1, log.lines());
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    log.warn("the next interval");
    assertEquals(2, log.lines());
    assertEquals(1002, log.events());
  }
}
