package io.credflow.logging;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * logback's JSON lines encoder with every text an event carries (its message, its exception's
 * messages, its MDC and key-value pairs) passed through {@link Redaction} before it is encoded.
 * Each line has {@code timestamp}, {@code level}, {@code threadName}, {@code loggerName}, {@code
 * mdc} (with {@code requestId} while a request is served), {@code formattedMessage} and {@code
 * throwable}; the message's pattern and its raw arguments are left out, since an argument could be
 * a secret that only the formatted (and redacted) message masks.
 */
public final class RedactingJsonEncoder extends JsonEncoder {
  public RedactingJsonEncoder() {
    // Sequence numbers are 0 unless a context generates them; the timestamp's millisecond is
    // precision enough.
    setWithSequenceNumber(false);
    setWithNanoseconds(false);
    setWithContext(false);
    setWithMessage(false);
    setWithArguments(false);
    setWithFormattedMessage(true);
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return super.encode(new RedactedEvent(event));
  }
}
