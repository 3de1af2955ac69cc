package io.credflow.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The two log formats: JSON lines (--log-format json) redact every text of an event as the text
 * lines do, and both name the request a line was written for.
 */
class JsonLogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "tok-SECRET-8437";
  private static final String REFRESH = "ref-SECRET-5521";
  private static final String KEY = "cfk_SECRETkey0123456789";
  private static final LoggerContext CONTEXT = (LoggerContext) LoggerFactory.getILoggerFactory();
  private static final Logger LOGGER = CONTEXT.getLogger("io.credflow.logging.JsonLogTest");

  private static ILoggingEvent event(String message, Throwable thrown, Object... args) {
    LoggingEvent event =
        new LoggingEvent(Logger.class.getName(), LOGGER, Level.WARN, message, thrown, args);
    // As an appender does while the line is written: the MDC of the thread that logged.
    event.prepareForDeferredProcessing();
    return event;
  }

  private static String json(ILoggingEvent event) {
    RedactingJsonEncoder encoder = new RedactingJsonEncoder();
    encoder.setContext(CONTEXT);
    encoder.start();
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }

  @Test
  void encodeWhenMessageArgumentsAndExceptionsCarrySecretsThenTheJsonLineMasksEveryOne()
      throws Exception {
    IllegalStateException cause =
        new IllegalStateException("provider said {\"refresh_token\":\"" + REFRESH + "\"}");
    RuntimeException thrown =
        new RuntimeException("GET https://api.example.com/x?access_token=" + TOKEN, cause);
    thrown.addSuppressed(new IllegalArgumentException("Authorization: Bearer " + TOKEN));

    String line =
        json(event("calling {} with key {}", thrown, "Bearer " + TOKEN, KEY)).replace("\\\"", "\"");

    assertThat(line).doesNotContain(TOKEN, REFRESH, KEY.substring(4));
    assertThat(line).contains("Bearer ********", "access_token=********", "cfk_********");
  }

  @Test
  void encodeWhenAnEventIsWrittenThenItIsOneJsonObjectOnOneLineWithTheFormattedMessage()
      throws Exception {
    String line = json(event("credential {} refreshed in {} ms", null, "c-1", 12));

    assertThat(line).endsWith("\n");
    assertThat(line.strip()).doesNotContain("\n");
    JsonNode doc = JSON.readTree(line);
    assertThat(doc.path("level").asText()).isEqualTo("WARN");
    assertThat(doc.path("loggerName").asText()).isEqualTo(LOGGER.getName());
    assertThat(doc.path("formattedMessage").asText())
        .isEqualTo("credential c-1 refreshed in 12 ms");
    assertThat(doc.has("timestamp")).isTrue();
    // The pattern and its raw arguments are left out: an argument may be a secret.
    assertThat(doc.has("message")).isFalse();
    assertThat(doc.has("arguments")).isFalse();
  }

  @Test
  void encodeWhenARequestIdIsInTheMdcThenTheJsonLineCarriesIt() throws Exception {
    ILoggingEvent event;
    MDC.put(LogOutput.REQUEST_ID, "req-7f3a");
    try {
      event = event("served", null);
    } finally {
      MDC.remove(LogOutput.REQUEST_ID);
    }

    JsonNode doc = JSON.readTree(json(event));

    assertThat(doc.path("mdc").path("requestId").asText()).isEqualTo("req-7f3a");
  }

  @Test
  void encodeWhenTheMdcCarriesASecretThenItIsMasked() throws Exception {
    ILoggingEvent event;
    MDC.put("auth", "Bearer " + TOKEN);
    try {
      event = event("served", null);
    } finally {
      MDC.remove("auth");
    }

    assertThat(json(event)).doesNotContain(TOKEN);
  }

  @Test
  void textLineWhenARequestIdIsInTheMdcThenItIsNamedInBracketsAndOtherwiseLeftOut() {
    // The layout logback.xml configures, as every text line of the process is written.
    ConsoleAppender<ILoggingEvent> stderr =
        (ConsoleAppender<ILoggingEvent>)
            CONTEXT.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(LogOutput.APPENDER);
    var layout = ((LayoutWrappingEncoder<ILoggingEvent>) stderr.getEncoder()).getLayout();
    ILoggingEvent withId;
    MDC.put(LogOutput.REQUEST_ID, "req-7f3a");
    try {
      withId = event("served with {}", null, "Bearer " + TOKEN);
    } finally {
      MDC.remove(LogOutput.REQUEST_ID);
    }

    assertThat(layout.doLayout(withId))
        .contains("JsonLogTest [req-7f3a] - served with Bearer ********")
        .doesNotContain(TOKEN);
    assertThat(layout.doLayout(event("served", null)))
        .contains("JsonLogTest - served")
        .doesNotContain("[");
  }

  @Test
  void parseWhenAFormatIsNamedThenTextOrJsonInAnyCaseAndNothingElse() {
    Map<String, LogFormat> named = Map.of("text", LogFormat.TEXT, " JSON ", LogFormat.JSON);
    named.forEach((name, format) -> assertThat(LogFormat.parse(name)).contains(format));
    assertThat(LogFormat.parse("logfmt")).isEmpty();
    assertThat(LogFormat.parse(null)).isEmpty();
  }
}
