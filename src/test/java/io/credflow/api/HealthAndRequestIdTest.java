package io.credflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.logging.LogOutput;
import io.credflow.logging.RedactingJsonEncoder;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.javalin.Javalin;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The routes a load balancer asks ({@code /health/live}, {@code /health/ready}) and the request id
 * every answer carries ({@code X-Request-Id}), which the log lines written for the request name.
 * Readiness during a stop is {@code io.credflow.GracefulStopTest}'s.
 */
class HealthAndRequestIdTest {
  @RegisterExtension static final CredflowExtension credflow = CredflowExtension.h2();

  private static Api anonymous() {
    return new Api(credflow.server().baseUrl(), null);
  }

  private static Api.Response get(String path, String requestId) {
    Api api = anonymous();
    return api.send(api.builder(path).header(RequestIds.HEADER, requestId).GET());
  }

  @Test
  void liveWhenTheProcessServesThen200WithoutAnApiKey() {
    Api.Response r = anonymous().get("/health/live");

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.body().path("status").asText()).isEqualTo("ok");
    assertThat(r.header("Content-Type").orElse("")).startsWith("application/json");
  }

  @Test
  void readyWhenTheDatabaseAnswersAndIsMigratedThen200NamingEveryCheck() {
    Api.Response r = anonymous().get("/health/ready");

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.body().path("status").asText()).isEqualTo("ready");
    JsonNode checks = r.body().path("checks");
    assertThat(checks.path("database").asText()).isEqualTo("ok");
    assertThat(checks.path("migrations").asText()).isEqualTo("done");
    assertThat(checks.path("shutdown").asText()).isEqualTo("not_started");
    assertThat(r.header("Cache-Control")).contains("no-store");
  }

  @Test
  void readyWhenTheDatabaseDoesNotAnswerOrIsNotMigratedThen503SayingWhich() {
    record Case(boolean database, boolean migrated, String reason) {}
    for (Case c :
        List.of(
            new Case(false, true, "database_unavailable"),
            new Case(true, false, "migrations_pending"))) {
      Health health = new Health(() -> c.database(), () -> c.migrated());
      Javalin app =
          Javalin.create(
              config -> {
                config.startup.showJavalinBanner = false;
                config.jetty.host = "127.0.0.1";
                config.jetty.port = 0;
                health.register(config.routes);
              });
      app.start();
      try {
        Api api = new Api("http://127.0.0.1:" + app.port(), null);
        Api.Response ready = api.get("/health/ready");

        assertThat(ready.status()).as(ready.text()).isEqualTo(503);
        assertThat(ready.body().path("reason").asText()).isEqualTo(c.reason());
        assertThat(ready.body().path("status").asText()).isEqualTo("unavailable");
        assertThat(api.get("/health/live").status()).isEqualTo(200);

        health.stopping();
        assertThat(api.get("/health/ready").body().path("reason").asText())
            .isEqualTo("shutting_down");
      } finally {
        app.stop();
      }
    }
  }

  @Test
  void healthWhenAskedThenTheOldRouteStillAnswersAsBefore() {
    Api.Response r = anonymous().get("/health");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("checks").path("database").asText()).isEqualTo("ok");
  }

  @Test
  void requestIdWhenTheCallerSendsAShortPrintableOneThenTheAnswerCarriesTheSame() {
    for (String path : List.of("/health/live", "/v2/workspaces", "/no/such/route")) {
      Api.Response r = get(path, "lb-4f2c:9a/1");

      assertThat(r.header(RequestIds.HEADER)).as(path).contains("lb-4f2c:9a/1");
    }
  }

  @Test
  void requestIdWhenNoneIsSentThenEveryAnswerCarriesANewOne() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      Api.Response r = anonymous().get("/health/live");
      String id = r.header(RequestIds.HEADER).orElseThrow();
      assertThat(id).matches("[0-9a-f]{24}");
      ids.add(id);
    }
    assertThat(ids).hasSize(5);
  }

  @Test
  void requestIdWhenTheSentOneIsTooLongOrNotPrintableThenItIsReplaced() {
    for (String sent : List.of("x".repeat(RequestIds.MAX_LENGTH + 1), "two words")) {
      Api.Response r = get("/health/live", sent);

      assertThat(r.header(RequestIds.HEADER))
          .as(sent)
          .hasValueSatisfying(id -> assertThat(id).matches("[0-9a-f]{24}"));
    }
    assertThat(RequestIds.accepted("x".repeat(RequestIds.MAX_LENGTH))).isPresent();
    assertThat(RequestIds.accepted("tab\there")).isEmpty();
    assertThat(RequestIds.accepted("naïve")).isEmpty();
    assertThat(RequestIds.accepted("line\nbreak")).isEmpty();
    assertThat(RequestIds.accepted("")).isEmpty();
  }

  @Test
  void requestIdWhenARequestIsServedThenItsLogLinesNameItInJsonAndInText() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger access = context.getLogger("io.credflow.access");
    Level before = access.getLevel();
    ListAppender<ILoggingEvent> lines =
        new ListAppender<>() {
          @Override
          protected void append(ILoggingEvent event) {
            // Keep the MDC of the thread that served the request, as a console appender writes it.
            event.prepareForDeferredProcessing();
            super.append(event);
          }
        };
    lines.start();
    access.addAppender(lines);
    access.setLevel(Level.DEBUG);
    try {
      Api.Response r = get("/health/ready", "trace-42");
      assertThat(r.status()).isEqualTo(200);
    } finally {
      access.detachAppender(lines);
      access.setLevel(before);
    }

    ILoggingEvent line =
        lines.list.stream()
            .filter(e -> e.getFormattedMessage().startsWith("GET /health/ready 200"))
            .findFirst()
            .orElseThrow();
    assertThat(line.getMDCPropertyMap()).containsEntry(LogOutput.REQUEST_ID, "trace-42");

    RedactingJsonEncoder json = new RedactingJsonEncoder();
    json.setContext(context);
    json.start();
    JsonNode doc = Api.JSON.readTree(new String(json.encode(line), StandardCharsets.UTF_8));
    assertThat(doc.path("mdc").path("requestId").asText()).isEqualTo("trace-42");

    ConsoleAppender<ILoggingEvent> stderr =
        (ConsoleAppender<ILoggingEvent>)
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(LogOutput.APPENDER);
    String text =
        ((LayoutWrappingEncoder<ILoggingEvent>) stderr.getEncoder()).getLayout().doLayout(line);
    assertThat(text).contains("[trace-42] - GET /health/ready 200");
  }
}
