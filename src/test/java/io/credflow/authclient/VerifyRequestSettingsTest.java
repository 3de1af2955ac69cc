package io.credflow.authclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.component.AuthClientType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code verify_request} in an auth-client's {@code credentials}: an optional object for every type
 * that authorizes requests, kept as written and written back the same; the reader's own rules are
 * the executor's ({@link VerifyRequest.Check}), not the parser's.
 */
class VerifyRequestSettingsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String READER =
      "{\"method\":\"GET\",\"url\":\"https://api.example.com/me\","
          + "\"headers\":[{\"key\":\"Accept\",\"value\":\"\\\"application/json\\\"\"}]}";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "basic | {\"name\":\"u\"",
        "api_key | {\"name\":\"X-Key\"",
        "oauth2 | {\"client_id\":\"c\",\"client_secret\":\"s\",\"auth_uri\":\"https://a.example/a\","
            + "\"token_uri\":\"https://a.example/t\"",
        "oauth2_instagram | {\"client_id\":\"c\",\"client_secret\":\"s\""
      })
  void parseWhenATypeThatAuthorizesRequestsHasAVerifyRequestThenItIsKeptAndWrittenBack(
      String type, String members) {
    AuthClientType t = AuthClientType.fromWireName(type).orElseThrow();
    AuthClientSettings s =
        SettingsParser.parse(t, tree(members + ",\"verify_request\":" + READER + "}"), "c");

    assertThat(s.verifyRequest()).contains(new VerifyRequest(map(READER)));
    assertThat(s.members().get("verify_request")).isEqualTo(map(READER));
    Map<String, Object> written = new java.util.LinkedHashMap<>(s.members());
    written.replaceAll((k, v) -> v instanceof Secret secret ? secret.reveal() : v);
    assertThat(SettingsParser.parse(t, written, "c")).isEqualTo(s);
    assertThat(SettingsParser.parse(t, tree(members + "}"), "c").verifyRequest()).isEmpty();
  }

  @Test
  void parseWhenNoauthHasAVerifyRequestThenItIsAnUnknownMember() {
    assertThat(violations(AuthClientType.NOAUTH, "{\"verify_request\":" + READER + "}"))
        .extracting(Violation::field, Violation::code)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("c/verify_request", "unknown_member"));
  }

  @Test
  void parseWhenTheVerifyRequestIsNotAnObjectThenInvalidTypeAtIt() {
    assertThat(violations(AuthClientType.BASIC, "{\"verify_request\":\"GET /me\"}"))
        .extracting(Violation::field, Violation::code)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("c/verify_request", "invalid_type"));
  }

  private static java.util.List<Violation> violations(AuthClientType type, String json) {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> SettingsParser.parse(type, tree(json), "c"));
    assertThat(e).isNotNull();
    return e.violations();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(String json) {
    return (Map<String, Object>) tree(json);
  }

  private static Object tree(String json) {
    try {
      return JSON.readValue(json, Object.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
