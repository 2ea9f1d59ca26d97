package dev.cadenza.operator.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What the test JVM logs (through its logback configuration, levels included) from now until {@link
 * #close()}: {@code try (LogCapture log = LogCapture.start()) { ... log.events() ... }}.
 */
public final class LogCapture implements AutoCloseable {

  private final Logger root;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture() {
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  public static LogCapture start() {
    return new LogCapture();
  }

  /** The events so far, oldest first. */
  public List<ILoggingEvent> events() {
    synchronized (appender) {
      return List.copyOf(appender.list);
    }
  }

  /** The events at WARN or above whose formatted message contains {@code text}. */
  public List<String> warnings(String text) {
    return events().stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains(text))
        .toList();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
