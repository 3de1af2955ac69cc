package io.credflow.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.credflow.outbound.HostResolver;
import io.credflow.testing.Api;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.JsonGarbage;
import io.credflow.testing.TestServer;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.upstream.Upstream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Garbage in the {@code config} and {@code message} of {@code POST /v2/workspaces/{ws}/requests}
 * (docs/security.md 16): wrong types, huge and fractional numbers, nested junk, unknown members,
 * invalid and failing JSONata, nulls. The answer is never a server error: a valid combination is a
 * result, anything else a JSON:API error whose pointer names the member under {@code
 * /data/attributes/}, without a stack trace. A URL the outbound guard refuses is the one error
 * without a pointer (it is about where the URL leads, checked as it is called).
 *
 * <p>Numbers that would be valid waits (a {@code delay} or {@code requestTimeoutPeriod} of seconds)
 * are left out of the garbage so every try stays fast; the template's valid values stay in.
 */
class RequestBadInputTest {
  private static final int TRIES = 300;

  /** What the upstream sent back by the config's own rules: a result of valid input, not a bug. */
  private static final Set<String> UPSTREAM_OUTCOMES =
      Set.of("upstream_error", "rebound", "too_many_redirects", "response_too_large");

  /** Refusals about where a URL leads; they carry no pointer. */
  private static final Set<String> OUTBOUND = Set.of("outbound_refused", "host_not_found");

  private static final List<String> KEYS =
      List.of(
          "reader",
          "method",
          "url",
          "headers",
          "body",
          "key",
          "value",
          "raw",
          "urlencoded",
          "formData",
          "contentType",
          "encoding",
          "filename",
          "errorPolicy",
          "errorCodes",
          "ignoreErrorCodes",
          "maxRetries",
          "maxRedirects",
          "requestTimeoutPeriod",
          "delay",
          "responseEncoding",
          "passthrough",
          "config",
          "message",
          "",
          "a/b~c",
          "__proto__");

  private static TestServer server;
  private static Upstream upstream;
  private static FakeOAuthProvider provider;
  private static ExecutorWorkspace w;

  @BeforeContainer
  static void start() {
    upstream = Upstream.start();
    provider = FakeOAuthProvider.start();
    // Names resolve at once: only a test name is known, and nothing waits for DNS.
    HostResolver names =
        host -> {
          if (!host.equals("api.example.test")) {
            throw new UnknownHostException(host);
          }
          return List.of(InetAddress.getLoopbackAddress());
        };
    server = TestServer.start(false, Clock.systemUTC(), c -> c.hostResolver(names));
    w = ExecutorWorkspace.create(server, provider, "bad-input");
  }

  @AfterContainer
  static void stop() {
    if (server != null) {
      server.close();
      upstream.close();
      provider.close();
    }
  }

  /** A request document and how it was made, shortened when a property fails. */
  record Garbage(String kind, String json) {
    @Override
    public String toString() {
      String shown = json.length() > 400 ? json.substring(0, 400) + "…" : json;
      return kind + ": " + shown.replaceAll("\\p{Cntrl}", "·");
    }
  }

  @Property(tries = TRIES)
  void garbageInConfigOrMessageIsNeverAServerErrorAndEveryErrorNamesItsMember(
      @ForAll("requests") Garbage garbage) {
    Api.Response r = w.admin().post(w.requestsPath(), garbage.json());
    String code = r.error().path("code").asText();
    Statistics.label("answer").collect(r.status() + " " + code);
    Statistics.label("answer")
        .coverage(
            c -> {
              c.checkQuery((List<?> a) -> a.get(0).toString().startsWith("200"))
                  .percentage(p -> p >= 5.0);
              c.checkQuery((List<?> a) -> a.get(0).toString().startsWith("422"))
                  .percentage(p -> p >= 30.0);
              c.checkQuery(
                      (List<?> a) ->
                          a.get(0)
                              .toString()
                              .matches(
                                  "422 (invalid_expression|expression_failed|invalid_url"
                                      + "|invalid_base64|outbound_refused|host_not_found)"))
                  .percentage(p -> p >= 5.0);
            });

    if (r.status() >= 500) {
      assertThat(code).as(r.text()).isIn(UPSTREAM_OUTCOMES);
    }
    if (r.status() == 200) {
      assertThat(r.data().path("type").asText()).isEqualTo("request-result");
      return;
    }
    assertJsonApiError(r);
    if (!OUTBOUND.contains(code) && !UPSTREAM_OUTCOMES.contains(code)) {
      assertThat(r.status()).as(r.text()).isBetween(400, 499);
      for (JsonNode error : r.body().path("errors")) {
        assertThat(error.path("source").path("pointer").asText())
            .as(r.text())
            .startsWith("/data/attributes/");
      }
    }
  }

  private static void assertJsonApiError(Api.Response r) {
    assertThat(r.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
    JsonNode errors = r.body().path("errors");
    assertThat(errors.isArray() && !errors.isEmpty()).as(r.text()).isTrue();
    for (JsonNode error : errors) {
      assertThat(error.path("status").asText()).isEqualTo(Integer.toString(r.status()));
      for (String member : List.of("code", "title", "detail")) {
        assertThat(error.path(member).asText()).as(member + " in " + r.text()).isNotBlank();
      }
    }
    assertThat(r.text()).doesNotContain("Exception", "at io.", "at java.", "\tat ");
  }

  // ---- the requests around the garbage ----

  @Example
  void aMalformedBodyIs400() {
    for (String body : List.of("{\"data\":", "{\"data\":{\"type\":\"request\",}}", "\u0000")) {
      Api.Response r = w.admin().post(w.requestsPath(), body);
      assertJsonApiError(r);
      assertThat(r.status()).as(r.text()).isEqualTo(400);
      assertThat(r.error().path("code").asText()).isEqualTo("malformed_json");
    }
  }

  @Example
  void anotherResourceTypeIs409AtDataType() {
    for (String type : List.of("requests", "credential", "Request", "request-result")) {
      ObjectNode doc = valid();
      ((ObjectNode) doc.path("data")).put("type", type);
      Api.Response r = w.admin().post(w.requestsPath(), doc);
      assertJsonApiError(r);
      assertThat(r.status()).as(r.text()).isEqualTo(409);
      assertThat(r.error().path("code").asText()).isEqualTo("type_mismatch");
      assertThat(r.error().path("source").path("pointer").asText()).isEqualTo("/data/type");
    }
    assertThat(upstream.count("/echo/bad")).isZero();
  }

  @Example
  void withoutTheCredentialRelationshipIs422AtIt() {
    ObjectNode doc = valid();
    ((ObjectNode) doc.path("data")).remove("relationships");
    Api.Response r = w.admin().post(w.requestsPath(), doc);
    assertJsonApiError(r);
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.error().path("code").asText()).isEqualTo("missing_relationship");
    assertThat(r.error().path("source").path("pointer").asText())
        .isEqualTo("/data/relationships/credential");
  }

  @Example
  void deeplyNestedOrHugeExpressionsAre422AtTheirMember() {
    List<String> expressions =
        List.of(
            "(".repeat(20_000) + "1" + ")".repeat(20_000),
            "[".repeat(20_000) + "]".repeat(20_000),
            "-".repeat(50_000) + "1",
            "$f(".repeat(10_000) + ")".repeat(10_000),
            "x".repeat(SpecParser.MAX_EXPRESSION + 1));
    for (String expression : expressions) {
      ObjectNode doc = valid();
      ((ObjectNode) doc.at("/data/attributes/config/reader")).put("url", expression);
      Api.Response r = w.admin().post(w.requestsPath(), doc);
      assertJsonApiError(r);
      assertThat(r.status()).as(r.text()).isEqualTo(422);
      assertThat(r.error().path("source").path("pointer").asText())
          .isEqualTo("/data/attributes/config/reader/url");
    }
  }

  @Example
  void theValidTemplateIsAResult() {
    for (ObjectNode doc : templates()) {
      Api.Response r = w.admin().post(w.requestsPath(), doc);
      assertThat(r.status()).as(r.text()).isEqualTo(200);
    }
  }

  // ---- generators ----

  private static ObjectNode valid() {
    return templates().get(0);
  }

  /** Valid documents, one per body kind, that the garbage starts from. */
  private static List<ObjectNode> templates() {
    String url = ExecutorWorkspace.lit(upstream.url("/echo/bad"));
    Map<String, Object> message =
        Map.of(
            "body",
            Map.of("a", "x", "n", 2, "list", List.of(1, "two")),
            "passthrough",
            Map.of("t", "p"));
    Map<String, Object> get =
        Map.of(
            "reader",
            Map.of(
                "method",
                "GET",
                "url",
                url + " & \"?q=\" & body.a",
                "headers",
                List.of(Map.of("key", "X-A", "value", "body.a"))),
            "errorPolicy",
            "emit",
            "maxRetries",
            1);
    Map<String, Object> raw =
        Map.of(
            "reader",
            Map.of(
                "method",
                "POST",
                "url",
                url,
                "body",
                Map.of(
                    "contentType",
                    "application/json",
                    "raw",
                    "{\"a\": body.a, \"t\": $getPassthrough().t}")),
            "errorPolicy",
            "throwError",
            "errorCodes",
            "500-599",
            "ignoreErrorCodes",
            "404",
            "maxRedirects",
            2,
            "requestTimeoutPeriod",
            5_000,
            "responseEncoding",
            "utf8");
    Map<String, Object> form =
        Map.of(
            "reader",
            Map.of(
                "method",
                "PUT",
                "url",
                url,
                "body",
                Map.of(
                    "formData",
                    List.of(
                        Map.of("key", "f", "value", "body.a", "filename", "a.txt"),
                        Map.of("key", "b", "value", "\"AAEC\"", "encoding", "base64")))),
            "errorPolicy",
            "emit",
            "maxRetries",
            1);
    Map<String, Object> urlencoded =
        Map.of(
            "reader",
            Map.of(
                "method",
                "PATCH",
                "url",
                url,
                "body",
                Map.of("urlencoded", List.of(Map.of("key", "n", "value", "body.n + 1")))),
            "errorPolicy",
            "emit",
            "maxRetries",
            1,
            "delay",
            0);
    return List.of(get, raw, form, urlencoded).stream()
        .map(config -> ExecutorWorkspace.requestDoc(config, message, w.noauth()))
        .toList();
  }

  @Provide
  Arbitrary<Garbage> requests() {
    Arbitrary<String> keys =
        Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(KEYS)), Tuple.of(1, strings()));
    Arbitrary<JsonNode> values = JsonGarbage.values(keys, JsonGarbage.leaves(strings(), numbers()));
    Arbitrary<ObjectNode> template = Arbitraries.of(templates()).map(ObjectNode::deepCopy);
    Arbitrary<Garbage> mutated =
        Combinators.combine(
                template, JsonGarbage.mutations(keys, values).list().ofMinSize(1).ofMaxSize(4))
            .as(
                (doc, mutations) -> {
                  // Changes land anywhere in config or message, or on the attributes themselves.
                  ObjectNode attributes = (ObjectNode) doc.path("data").path("attributes");
                  mutations.forEach(m -> m.applyTo(attributes));
                  return new Garbage("mutated", doc.toString());
                });
    Arbitrary<Garbage> replaced =
        Combinators.combine(template, Arbitraries.of("config", "message"), values)
            .as(
                (doc, member, value) -> {
                  ((ObjectNode) doc.path("data").path("attributes")).set(member, value);
                  return new Garbage(member + " replaced", doc.toString());
                });
    // An expression member of a template set to a word, junk or a random value.
    Arbitrary<JsonNode> expressionValues =
        Arbitraries.frequencyOf(Tuple.of(4, strings().map(TextNode::valueOf)), Tuple.of(1, values));
    Arbitrary<Garbage> expression =
        Arbitraries.integers()
            .between(0, EXPRESSIONS.size() - 1)
            .flatMap(
                t ->
                    Combinators.combine(Arbitraries.of(EXPRESSIONS.get(t)), expressionValues)
                        .as(
                            (pointer, value) -> {
                              ObjectNode doc = templates().get(t);
                              int slash = pointer.lastIndexOf('/');
                              ((ObjectNode) doc.at(pointer.substring(0, slash)))
                                  .set(pointer.substring(slash + 1), value);
                              return new Garbage("expression at " + pointer, doc.toString());
                            }));
    // Expression garbage is weighted so that its errors (9 to 13 % of all tries in the runs seen
    // with these weights, about 33 of 300) stay well above the 5 % coverage the property requires
    // in every run, whatever the seed: at 3 of 7 they came near it and once fell under (13 of 300).
    return Arbitraries.frequencyOf(
        Tuple.of(3, mutated), Tuple.of(1, replaced), Tuple.of(5, expression));
  }

  /** Where each template holds expressions, by template. */
  private static final List<List<String>> EXPRESSIONS =
      List.of(
          List.of(
              "/data/attributes/config/reader/url",
              "/data/attributes/config/reader/headers/0/value"),
          List.of("/data/attributes/config/reader/url", "/data/attributes/config/reader/body/raw"),
          List.of(
              "/data/attributes/config/reader/url",
              "/data/attributes/config/reader/body/formData/0/value",
              "/data/attributes/config/reader/body/formData/1/value"),
          List.of(
              "/data/attributes/config/reader/url",
              "/data/attributes/config/reader/body/urlencoded/0/value"));

  /**
   * Junk numbers, none of them a wait or a timeout that would hold a try up: zero, negative, huge,
   * fractional.
   */
  private static Arbitrary<JsonNode> numbers() {
    return Arbitraries.oneOf(
        Arbitraries.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 1_140_001L, 4_294_967_296L)
            .map(LongNode::valueOf),
        Arbitraries.longs().lessOrEqual(-2).map(LongNode::valueOf),
        Arbitraries.longs().greaterOrEqual(1_140_001).map(LongNode::valueOf),
        Arbitraries.of(1.5, -0.0, 0.1, 1e300, -1e300, Double.MIN_VALUE, 3.0)
            .map(DoubleNode::valueOf),
        Arbitraries.of("1e400", "-1e400", "123456789012345678901234567890", "0.000000000001")
            .map(s -> DecimalNode.valueOf(new BigDecimal(s))));
  }

  /** Words that mean something to a spec, JSONata that is invalid or fails, and random text. */
  private static Arbitrary<String> strings() {
    String echo = upstream.url("/echo/word");
    return Arbitraries.frequencyOf(
        Tuple.of(
            6,
            Arbitraries.of(
                "GET",
                "POST",
                "get",
                "TRACE",
                "emit",
                "rebound",
                "throwError",
                "byComponent",
                "utf8",
                "base64",
                "latin1",
                "404",
                "500-599",
                "400-404,500",
                "4xx",
                "599-500",
                "abc",
                "X-Api-Key",
                "Host",
                "Content-Length",
                "bad header",
                "application/json",
                "\"" + echo + "\"",
                "\"http://api.example.test:" + upstream.port() + "/echo/named\"",
                "\"http://unknown.example.test/\"",
                "\"http://169.254.169.254/latest/meta-data\"",
                "\"http://0x7f.1/\"",
                "\"ftp://example.com/\"",
                "\"http://user:pw@example.com/\"",
                "\"not a url\"",
                "body.a",
                "body.list",
                "body.missing",
                "$getPassthrough()",
                "$string(body)",
                "$error(\"boom\")",
                "$eval(\"1 +\")",
                "body.n / 0",
                "\"AAEC\"",
                "\"%%%\"",
                "(",
                "]",
                "$$$",
                "body.a &",
                "{\"a\": }",
                "\"unterminated",
                "function($x){$x}",
                "",
                " ",
                "null")),
        Tuple.of(3, Arbitraries.strings().all().ofMaxLength(30)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(8)));
  }
}
