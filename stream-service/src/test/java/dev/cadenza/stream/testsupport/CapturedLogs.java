package dev.cadenza.stream.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Every log event of this JVM from {@link #capture} to {@link #close}, for tests that count what a
 * state change logs. Events of other tests running at the same time are captured too, so assertions
 * select by logger and message.
 */
public final class CapturedLogs implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private CapturedLogs() {
    appender.start();
    root.addAppender(appender);
  }

  public static CapturedLogs capture() {
    return new CapturedLogs();
  }

  /** The events so far of loggers whose name starts with {@code loggerPrefix}. */
  public List<ILoggingEvent> of(String loggerPrefix) {
    synchronized (appender) { // the appender appends under its own lock
      return appender.list.stream()
          .filter(e -> e.getLoggerName().startsWith(loggerPrefix))
          .toList();
    }
  }

  /** How many events so far at {@code level} or above match {@code selected}. */
  public long count(Level level, Predicate<ILoggingEvent> selected) {
    synchronized (appender) {
      return appender.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(level))
          .filter(selected)
          .count();
    }
  }

  /** Events at {@code level} or above whose formatted message contains {@code text}. */
  public long count(Level level, String text) {
    return count(level, e -> e.getFormattedMessage().contains(text));
  }

  /** Events at WARN or above, of any logger, that carry a stack trace. */
  public long stackTraces() {
    return count(Level.WARN, e -> e.getThrowableProxy() != null);
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
