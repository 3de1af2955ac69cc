package io.credflow.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Switches the log output of {@code logback.xml}'s {@value #APPENDER} appender between its text
 * lines and JSON lines, both redacted. A process started with its own logback configuration (one
 * without that appender) keeps its configuration as it is.
 */
public final class LogOutput {
  /** The appender of {@code logback.xml} whose encoder the format replaces. */
  public static final String APPENDER = "STDERR";

  /** The MDC key (and JSON member of {@code mdc}) that carries a request's id. */
  public static final String REQUEST_ID = "requestId";

  /**
   * The MDC key (and JSON member of {@code mdc}) that carries the id of the flow run a step belongs
   * to, while the step runs.
   */
  public static final String RUN_ID = "runId";

  private LogOutput() {}

  /**
   * Writes every further line in {@code format}. Call it once, at start, before other threads log:
   * lines logged while the encoder is swapped are dropped.
   *
   * @return whether the appender was found and now writes {@code format}
   */
  public static boolean use(LogFormat format) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return false;
    }
    Appender<ILoggingEvent> found =
        context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(APPENDER);
    if (!(found instanceof ConsoleAppender<ILoggingEvent> console)) {
      return false;
    }
    if (format == LogFormat.TEXT) {
      // logback.xml's text layout is the default and already in place.
      return true;
    }
    RedactingJsonEncoder encoder = new RedactingJsonEncoder();
    encoder.setContext(context);
    encoder.start();
    console.stop();
    console.setEncoder(encoder);
    console.start();
    return true;
  }
}
