package io.credflow.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/** A view of a logging event whose texts are {@linkplain Redaction redacted}; the rest as it is. */
final class RedactedEvent implements ILoggingEvent {
  private final ILoggingEvent event;

  RedactedEvent(ILoggingEvent event) {
    this.event = event;
  }

  @Override
  public String getThreadName() {
    return event.getThreadName();
  }

  @Override
  public Level getLevel() {
    return event.getLevel();
  }

  @Override
  public String getMessage() {
    return Redaction.redact(event.getMessage());
  }

  @Override
  public Object[] getArgumentArray() {
    Object[] args = event.getArgumentArray();
    if (args == null) {
      return null;
    }
    Object[] redacted = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      redacted[i] = args[i] == null ? null : Redaction.redact(String.valueOf(args[i]));
    }
    return redacted;
  }

  @Override
  public String getFormattedMessage() {
    return Redaction.redact(event.getFormattedMessage());
  }

  @Override
  public String getLoggerName() {
    return event.getLoggerName();
  }

  @Override
  public LoggerContextVO getLoggerContextVO() {
    return event.getLoggerContextVO();
  }

  @Override
  public IThrowableProxy getThrowableProxy() {
    return RedactedThrowable.of(event.getThrowableProxy());
  }

  @Override
  public StackTraceElement[] getCallerData() {
    return event.getCallerData();
  }

  @Override
  public boolean hasCallerData() {
    return event.hasCallerData();
  }

  @Override
  public List<Marker> getMarkerList() {
    return event.getMarkerList();
  }

  @Override
  public Map<String, String> getMDCPropertyMap() {
    return redact(event.getMDCPropertyMap());
  }

  @Deprecated
  @Override
  public Map<String, String> getMdc() {
    return getMDCPropertyMap();
  }

  @Override
  public long getTimeStamp() {
    return event.getTimeStamp();
  }

  @Override
  public int getNanoseconds() {
    return event.getNanoseconds();
  }

  @Override
  public long getSequenceNumber() {
    return event.getSequenceNumber();
  }

  @Override
  public List<KeyValuePair> getKeyValuePairs() {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs == null) {
      return null;
    }
    return pairs.stream()
        .map(
            p ->
                new KeyValuePair(
                    p.key, p.value == null ? null : Redaction.redact(String.valueOf(p.value))))
        .toList();
  }

  @Override
  public void prepareForDeferredProcessing() {
    event.prepareForDeferredProcessing();
  }

  private static Map<String, String> redact(Map<String, String> map) {
    if (map == null || map.isEmpty()) {
      return map;
    }
    Map<String, String> redacted = new LinkedHashMap<>();
    map.forEach((k, v) -> redacted.put(k, Redaction.redact(v)));
    return redacted;
  }

  /** An exception's view whose message, and its causes' and suppressed ones', are redacted. */
  private record RedactedThrowable(IThrowableProxy proxy) implements IThrowableProxy {
    static IThrowableProxy of(IThrowableProxy proxy) {
      return proxy == null ? null : new RedactedThrowable(proxy);
    }

    @Override
    public String getMessage() {
      return Redaction.redact(proxy.getMessage());
    }

    @Override
    public String getClassName() {
      return proxy.getClassName();
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
      return proxy.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
      return proxy.getCommonFrames();
    }

    @Override
    public IThrowableProxy getCause() {
      return of(proxy.getCause());
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
      IThrowableProxy[] suppressed = proxy.getSuppressed();
      if (suppressed == null) {
        return null;
      }
      IThrowableProxy[] redacted = new IThrowableProxy[suppressed.length];
      for (int i = 0; i < suppressed.length; i++) {
        redacted[i] = of(suppressed[i]);
      }
      return redacted;
    }

    @Override
    public boolean isCyclic() {
      return proxy.isCyclic();
    }
  }
}
