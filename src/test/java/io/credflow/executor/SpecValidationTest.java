package io.credflow.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every limit of a request spec answers 422 naming the member; good specs parse as written. */
class SpecValidationTest {
  private static final String BASE = "/data/attributes/config";

  private static Map<String, Object> valid() {
    Map<String, Object> reader = new LinkedHashMap<>();
    reader.put("method", "POST");
    reader.put("url", "\"https://api.example.com/items\"");
    reader.put("headers", List.of(Map.of("key", "Accept", "value", "\"application/json\"")));
    reader.put("body", Map.of("contentType", "application/json", "raw", "{\"a\": body.x}"));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("reader", reader);
    config.put("errorPolicy", "byComponent");
    config.put("errorCodes", "408,423,429,500-599");
    config.put("ignoreErrorCodes", "");
    config.put("maxRetries", 3);
    config.put("maxRedirects", 5);
    config.put("requestTimeoutPeriod", 60000);
    config.put("responseEncoding", "utf8");
    return config;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> reader(Map<String, Object> config) {
    return (Map<String, Object>) config.get("reader");
  }

  @Test
  void theApiDocumentsExampleParses() {
    RequestSpec spec = SpecParser.parse(valid(), BASE);
    assertThat(spec.method()).isEqualTo(RequestSpec.Method.POST);
    assertThat(spec.maxRetries()).isEqualTo(3);
    assertThat(spec.maxRedirects()).isEqualTo(5);
    assertThat(spec.requestTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(spec.errorCodes().contains(503)).isTrue();
    assertThat(spec.errorCodes().contains(404)).isFalse();
    assertThat(spec.body()).isInstanceOf(RequestSpec.BodyTemplate.Raw.class);
  }

  @Test
  void defaultsFollowTheComponent() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("reader", Map.of("url", "\"https://api.example.com\""));
    RequestSpec spec = SpecParser.parse(config, BASE);
    assertThat(spec.method()).isEqualTo(RequestSpec.Method.GET);
    assertThat(spec.errorPolicy()).isEqualTo(ErrorPolicy.BY_COMPONENT);
    assertThat(spec.requestTimeout()).isEqualTo(Duration.ofMillis(60_000));
    assertThat(spec.delay()).isEqualTo(Duration.ZERO);
    for (int code : new int[] {408, 423, 429, 500, 599}) {
      assertThat(spec.errorCodes().contains(code)).as("%d", code).isTrue();
    }
  }

  @Test
  void expressionsAreCompiledOnceAndSharedByText() {
    RequestSpec a = SpecParser.parse(valid(), BASE);
    RequestSpec b = SpecParser.parse(valid(), BASE);
    assertThat(a.url()).isSameAs(b.url());
    assertThat(a.headers().get(0).value()).isSameAs(b.headers().get(0).value());
  }

  static Stream<Arguments> badSpecs() {
    return Stream.of(
        bad("maxRetries -1", c -> c.put("maxRetries", -1), "/maxRetries"),
        bad("maxRetries 11", c -> c.put("maxRetries", 11), "/maxRetries"),
        bad("maxRetries text", c -> c.put("maxRetries", "three"), "/maxRetries"),
        bad("maxRedirects -1", c -> c.put("maxRedirects", -1), "/maxRedirects"),
        bad("maxRedirects 11", c -> c.put("maxRedirects", 11), "/maxRedirects"),
        bad("timeout 0", c -> c.put("requestTimeoutPeriod", 0), "/requestTimeoutPeriod"),
        bad(
            "timeout too long",
            c -> c.put("requestTimeoutPeriod", 1_140_001),
            "/requestTimeoutPeriod"),
        bad("delay -1", c -> c.put("delay", -1), "/delay"),
        bad("delay too long", c -> c.put("delay", 1_140_001), "/delay"),
        bad("policy", c -> c.put("errorPolicy", "retryForever"), "/errorPolicy"),
        bad("errorCodes 600", c -> c.put("errorCodes", "500-600"), "/errorCodes"),
        bad("errorCodes reversed", c -> c.put("errorCodes", "599-500"), "/errorCodes"),
        bad("ignoreErrorCodes text", c -> c.put("ignoreErrorCodes", "abc"), "/ignoreErrorCodes"),
        bad("responseEncoding", c -> c.put("responseEncoding", "latin1"), "/responseEncoding"),
        bad("unknown member", c -> c.put("retries", 3), "/retries"),
        bad("no reader", c -> c.remove("reader"), "/reader"),
        bad("no url", c -> reader(c).remove("url"), "/reader/url"),
        bad("url not a string", c -> reader(c).put("url", 5), "/reader/url"),
        bad("url bad jsonata", c -> reader(c).put("url", "\"https://x\" &"), "/reader/url"),
        bad("method", c -> reader(c).put("method", "TRACE"), "/reader/method"),
        bad(
            "header name",
            c -> reader(c).put("headers", List.of(Map.of("key", "Bad Name", "value", "\"x\""))),
            "/reader/headers/0/key"),
        bad(
            "transport header",
            c ->
                reader(c)
                    .put("headers", List.of(Map.of("key", "Content-Length", "value", "\"1\""))),
            "/reader/headers/0/key"),
        bad(
            "header without value",
            c -> reader(c).put("headers", List.of(Map.of("key", "X-A"))),
            "/reader/headers/0/value"),
        bad(
            "two body kinds",
            c -> reader(c).put("body", Map.of("raw", "\"a\"", "urlencoded", List.of())),
            "/reader/body/urlencoded"),
        bad(
            "form entry not an object",
            c -> reader(c).put("body", Map.of("formData", List.of("x"))),
            "/reader/body/formData/0"),
        bad(
            "base64 on a form",
            c ->
                reader(c)
                    .put(
                        "body",
                        Map.of(
                            "urlencoded",
                            List.of(Map.of("key", "a", "value", "\"b\"")),
                            "encoding",
                            "base64")),
            "/reader/body/encoding"));
  }

  private static Arguments bad(String name, Consumer<Map<String, Object>> change, String pointer) {
    return Arguments.of(name, change, BASE + pointer);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecs")
  void eachBadValueNamesItsMember(
      String name, Consumer<Map<String, Object>> change, String pointer) {
    Map<String, Object> config = valid();
    reader(config)
        .put("headers", new java.util.ArrayList<>((List<?>) reader(config).get("headers")));
    change.accept(config);
    assertThatThrownBy(() -> SpecParser.parse(config, BASE))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.violations())
                    .extracting(Violation::field)
                    .as(e.violations().toString())
                    .contains(pointer));
  }

  @Test
  void allProblemsAreReportedTogether() {
    Map<String, Object> config = valid();
    config.put("maxRetries", -1);
    config.put("maxRedirects", 99);
    config.put("errorPolicy", "nope");
    assertThatThrownBy(() -> SpecParser.parse(config, BASE))
        .isInstanceOfSatisfying(
            ValidationException.class, e -> assertThat(e.violations()).hasSize(3));
  }
}
