package io.credflow.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * A pattern layout whose every formatted line (message and stack trace) passes {@link Redaction}.
 */
public final class RedactingLayout extends PatternLayout {
  @Override
  public String doLayout(ILoggingEvent event) {
    return Redaction.redact(super.doLayout(event));
  }
}
