package io.sparkps.ml.classification;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * The messages one logger writes at INFO and above while attached (a log4j2 appender added to that
 * logger's configuration), for tests that check what a user reads in the log. Thread-safe.
 */
final class CapturedLog extends AbstractAppender implements AutoCloseable {

  private final ConcurrentLinkedQueue<String> messages = new ConcurrentLinkedQueue<>();
  private final LoggerContext context;
  private final LoggerConfig config;
  private final boolean added;

  private CapturedLog(String logger) {
    super("captured-" + logger, null, null, true, Property.EMPTY_ARRAY);
    context = (LoggerContext) LogManager.getContext(false);
    Configuration c = context.getConfiguration();
    LoggerConfig existing = c.getLoggerConfig(logger);
    added = !existing.getName().equals(logger);
    if (added) {
      existing = new LoggerConfig(logger, Level.INFO, true);
      c.addLogger(logger, existing);
    }
    config = existing;
  }

  /** Starts capturing what {@code logger} logs (its level left as configured, INFO if it had none). */
  static CapturedLog attach(String logger) {
    CapturedLog log = new CapturedLog(logger);
    log.start();
    log.config.addAppender(log, Level.INFO, null);
    log.context.updateLoggers();
    return log;
  }

  @Override
  public void append(LogEvent event) {
    messages.add(event.getMessage().getFormattedMessage());
  }

  /** The messages so far, in order. */
  List<String> messages() {
    return List.copyOf(messages);
  }

  @Override
  public void close() {
    config.removeAppender(getName());
    if (added) {
      context.getConfiguration().removeLogger(config.getName());
    }
    context.updateLoggers();
    stop();
  }
}
