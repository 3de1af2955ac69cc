package io.credflow.security;

import static io.credflow.testing.ExecutorWorkspace.get;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import io.credflow.common.Secret;
import io.credflow.credential.Authority;
import io.credflow.credential.RequestAuthorities;
import io.credflow.executor.Message;
import io.credflow.executor.RequestResult;
import io.credflow.executor.RequestSpec;
import io.credflow.executor.RestApiAction;
import io.credflow.executor.SpecParser;
import io.credflow.tenancy.Caller;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.TestServer;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.upstream.Upstream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The credential's secret never leaves through the executor (docs/security.md 6): not in an error
 * detail when the upstream quotes the request back (whole, or cut where the quote is truncated),
 * not in a message about a redirect or a lost connection, not in a log line written during any of
 * these calls, and not in the text of the values a call is made of and returns.
 */
class ExecutorSecretsTest {
  /** Longest run of a secret's characters an output may contain by chance. */
  private static final int CHANCE = 5;

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().upstreamServer().executorWorkspace("secrets");

  /** A credential and the secret values a request made with it carries. */
  private record Carried(String label, String credential, List<String> secrets) {}

  /** One credential of each kind that carries a secret, made once for the class. */
  private static List<Carried> carried;

  private final TestServer server = credflow.server();
  private final Upstream upstream = credflow.upstream();
  private final FakeOAuthProvider provider = credflow.provider();
  private final ExecutorWorkspace w = credflow.executorWorkspace();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final Logger credflowLogger = (Logger) LoggerFactory.getLogger("io.credflow");

  @BeforeAll
  static void storeTheCarriedCredentials() {
    ExecutorWorkspace w = credflow.executorWorkspace();
    FakeOAuthProvider.Tokens tokens = credflow.provider().issueTokens("read");
    String bearerToken = tokens.accessToken();
    String bearer = w.oauthCredential(tokens, 3600);
    String basicToken =
        Base64.getEncoder()
            .encodeToString(
                (ExecutorWorkspace.BASIC_USER + ":" + ExecutorWorkspace.BASIC_PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
    carried =
        List.of(
            new Carried("basic", w.basic(), List.of(basicToken, ExecutorWorkspace.BASIC_PASSWORD)),
            new Carried("bearer", bearer, List.of(bearerToken)),
            new Carried("api_key header", w.apiKeyHeader(), List.of(ExecutorWorkspace.HEADER_KEY)),
            new Carried("api_key query", w.apiKeyQuery(), List.of(ExecutorWorkspace.QUERY_KEY)));
  }

  @BeforeEach
  void captureLogs() {
    logs.list.clear();
    logs.start();
    root.addAppender(logs);
    credflowLogger.setLevel(Level.DEBUG);
    LoggerFactory.getLogger("io.credflow.executor").debug("log capture check");
  }

  @AfterEach
  void noLogLineHoldsASecret() {
    credflowLogger.setLevel(null);
    root.detachAppender(logs);
    assertThat(logs.list)
        .as("the capture sees Credflow's loggers")
        .anyMatch(e -> e.getFormattedMessage().equals("log capture check"));
    for (ILoggingEvent event : logs.list) {
      StringBuilder text = new StringBuilder(event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        text.append('\n').append(t.getClassName()).append(": ").append(t.getMessage());
        for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
          text.append('\n').append(frame.getSTEAsString());
        }
      }
      for (Carried c : carried) {
        assertNoSecret(c, text.toString(), "log line " + event);
      }
    }
  }

  private static void assertNoSecret(Carried c, String text, String where) {
    for (String secret : c.secrets()) {
      for (String form : List.of(secret, URLEncoder.encode(secret, StandardCharsets.UTF_8))) {
        for (int i = 0; i + CHANCE < form.length(); i++) {
          String piece = form.substring(i, i + CHANCE + 1);
          assertThat(text)
              .as("%s with the %s credential holds %s of its secret", where, c.label(), piece)
              .doesNotContain(piece);
        }
      }
    }
  }

  private static Map<String, Object> throwError(String url) {
    Map<String, Object> config = get(url);
    config.put("errorPolicy", "throwError");
    return config;
  }

  @Test
  void anUpstreamErrorThatQuotesTheRequestIsReportedMasked() {
    for (Carried c : carried) {
      Api.Response r =
          w.send(throwError(upstream.url("/echo/quote?status=500")), null, c.credential());
      assertThat(r.status()).as(r.text()).isEqualTo(502);
      assertThat(r.error().path("code").asText()).isEqualTo("upstream_error");
      String detail = r.error().path("detail").asText();
      assertThat(detail).as(c.label()).contains(Secret.MASK).contains("status - \"500\"");
      assertNoSecret(c, r.text(), "the 502");
    }
  }

  @Test
  void aQuoteCutInTheMiddleOfTheSecretShowsNoPartOfIt() {
    for (Carried c : carried) {
      String secret = c.secrets().get(0);
      // Where the secret starts in the quoted body: the mask starts there while nothing is cut.
      String first = detail(c, "");
      int bodyStart = first.indexOf("body: ") + "body: ".length();
      int maskAt = first.indexOf(Secret.MASK) - bodyStart;
      int secretAt = maskAt + (c.label().equals("basic") ? "Basic ".length() : 0);
      secretAt += c.label().equals("bearer") ? "Bearer ".length() : 0;
      assertThat(maskAt).as(first).isBetween(0, 900);
      // Pad the path (quoted once, before the headers and the query) so that the quote, cut at
      // 1,000 characters, ends half-way through the secret.
      int kept = Math.min(secret.length() - 1, Math.max(CHANCE + 1, secret.length() / 2));
      String cut = detail(c, "p".repeat(1_000 - kept - secretAt));

      assertThat(cut).as(c.label()).endsWith("…");
      assertNoSecret(c, cut, "the cut quote");
    }
  }

  private String detail(Carried c, String pad) {
    Api.Response r =
        w.send(throwError(upstream.url("/echo/cut" + pad + "?status=500")), null, c.credential());
    assertThat(r.status()).as(r.text()).isEqualTo(502);
    return r.error().path("detail").asText();
  }

  @Test
  void anInvalidRedirectThatCarriesTheKeyIsReportedWithoutIt() {
    Carried query = carried.get(3);
    String location = "/login?next=/data%3Fapi_key=" + ExecutorWorkspace.QUERY_KEY + " again";
    Api.Response r =
        w.send(
            get(
                upstream.url(
                    "/redirect-to?url=" + URLEncoder.encode(location, StandardCharsets.UTF_8))),
            null,
            query.credential());
    assertThat(r.status()).as(r.text()).isEqualTo(502);
    assertThat(r.error().path("detail").asText()).contains("invalid Location");
    assertNoSecret(query, r.text(), "the 502");
  }

  @Test
  void lostConnectionsAndTimeoutsNameTheUrlWithoutItsQuery() {
    Carried query = carried.get(3);
    try (Upstream.Dropper dropper = Upstream.Dropper.start()) {
      Map<String, Object> config = get(dropper.url("/x?page=1"));
      config.put("errorPolicy", "emit");
      Api.Response lost = w.send(config, null, query.credential());
      assertThat(lost.status()).as(lost.text()).isEqualTo(200);
      assertThat(lost.attributes().path("responseBody").path("message").asText())
          .startsWith("could not reach http://127.0.0.1:" + dropper.port() + "/x");
      assertNoSecret(query, lost.text(), "a lost connection");
    }
    Map<String, Object> slow = throwError(upstream.url("/slow?ms=1000"));
    slow.put("requestTimeoutPeriod", 100);
    Api.Response timedOut = w.send(slow, null, query.credential());
    assertThat(timedOut.status()).as(timedOut.text()).isEqualTo(502);
    assertThat(timedOut.error().path("detail").asText()).contains("within 100 ms");
    assertNoSecret(query, timedOut.text(), "a timeout");
  }

  @Test
  void aTokenThatStopsWorkingIsRefreshedAndReportedWithoutEitherToken() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String credential = w.oauthCredential(tokens, 3600);
    upstream.acceptBearer();
    provider.failNext(1, FakeOAuthProvider.TokenFailure.INVALID_GRANT);
    Carried c =
        new Carried(
            "rejected bearer",
            credential,
            List.of(tokens.accessToken(), tokens.refreshToken().orElseThrow()));

    Api.Response r = w.send(throwError(upstream.url("/protected/echo")), null, credential);

    assertThat(r.status()).as(r.text()).isEqualTo(502);
    assertThat(r.error().path("detail").asText()).contains("status - \"401\"");
    assertNoSecret(c, r.text(), "the 502");
    for (ILoggingEvent event : logs.list) {
      assertNoSecret(c, event.getFormattedMessage(), "log line");
    }
  }

  @Test
  void aResultThatEchoesTheRequestIsReturnedMaskedOnSuccessAndOnAnEmittedError() {
    for (Carried c : carried) {
      Api.Response echoed = w.send(get(upstream.url("/echo/result?x=1")), null, c.credential());
      assertThat(echoed.status()).as(echoed.text()).isEqualTo(200);
      assertThat(echoed.attributes().path("responseBody").toString())
          .as(c.label())
          .contains(Secret.MASK);
      assertNoSecret(c, echoed.text(), "the 200 result");

      Map<String, Object> emit = get(upstream.url("/echo/emitted?status=500"));
      emit.put("errorPolicy", "emit");
      Api.Response emitted = w.send(emit, null, c.credential());
      assertThat(emitted.attributes().path("statusCode").asInt()).as(emitted.text()).isEqualTo(500);
      assertNoSecret(c, emitted.text(), "the emitted result");

      Map<String, Object> ignored = get(upstream.url("/echo/ignored?status=404"));
      ignored.put("ignoreErrorCodes", "404");
      assertNoSecret(c, w.send(ignored, null, c.credential()).text(), "the ignored error");
    }
  }

  @Test
  void aSecretInAResponseHeaderIsMaskedInAnyCase() {
    for (Carried c : carried) {
      for (String form :
          List.of(
              c.secrets().get(0).toLowerCase(java.util.Locale.ROOT),
              c.secrets().get(0).toUpperCase(java.util.Locale.ROOT),
              URLEncoder.encode(c.secrets().get(0), StandardCharsets.UTF_8))) {
        String url =
            upstream.url("/headers?X-Seen=" + URLEncoder.encode(form, StandardCharsets.UTF_8));
        Api.Response r = w.send(get(url), null, c.credential());
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.attributes().path("HTTPHeaders").path("X-Seen").asText())
            .as(c.label())
            .isEqualTo(Secret.MASK);
      }
    }
  }

  @Test
  void anErrorThatQuotesTheDecodedBasicPairIsReportedMasked() {
    Carried basic = carried.get(0);
    String pair = ExecutorWorkspace.BASIC_USER + ":" + ExecutorWorkspace.BASIC_PASSWORD;
    for (String said :
        List.of(
            "user " + pair + " is locked", "password " + pair.toUpperCase(java.util.Locale.ROOT))) {
      String url =
          upstream.url(
              "/status/403?type=text/plain&body="
                  + URLEncoder.encode(said, StandardCharsets.UTF_8));
      Api.Response r = w.send(throwError(url), null, basic.credential());
      assertThat(r.status()).as(r.text()).isEqualTo(502);
      assertThat(r.error().path("detail").asText()).contains(Secret.MASK);
      assertNoSecret(basic, r.text(), "the 502");
      assertThat(r.text()).doesNotContain(ExecutorWorkspace.BASIC_PASSWORD);
    }
  }

  @Test
  void theValuesOfACallPrintWithoutTheSecret() {
    RestApiAction action = server.credflow().services().requests();
    RequestAuthorities credentials = server.credflow().services().requestAuthorities();
    Caller admin = server.credflow().services().tenancy().bootstrapAdminCaller();
    RequestSpec spec = SpecParser.parse(get(upstream.url("/echo/print")), "/config");
    Message message = Message.of(Map.of("id", 1), Map.of("trace", "t-1"));
    for (Carried c : carried) {
      RequestResult result = action.execute(admin, w.workspace(), c.credential(), spec, message);
      assertThat(result.statusCode()).isEqualTo(200);
      assertThat(result.responseBody().toString())
          .as("the upstream really echoed the %s credential, masked", c.label())
          .contains(Secret.MASK);
      Authority authority = credentials.forRequest(admin, w.workspace(), c.credential());
      String printed =
          String.join(
              "\n",
              spec.toString(),
              message.toString(),
              result.toString(),
              authority.toString(),
              authority.authorization().toString(),
              authority.credential().toString());
      assertNoSecret(c, printed, "toString");
    }
  }
}
