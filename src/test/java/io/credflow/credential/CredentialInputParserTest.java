package io.credflow.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.credflow.authclient.AuthClientSettings;
import io.credflow.authclient.SettingsParser;
import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.component.AuthClientType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CredentialInputParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "credentials";

  private static final AuthClientSettings NOAUTH = settings(AuthClientType.NOAUTH, "{}");
  private static final AuthClientSettings BASIC = settings(AuthClientType.BASIC, "{}");
  private static final AuthClientSettings BASIC_WITH_NAME =
      settings(AuthClientType.BASIC, "{\"name\":\"default-user\"}");
  private static final AuthClientSettings API_KEY =
      settings(AuthClientType.API_KEY, "{\"name\":\"X-Key\"}");
  private static final AuthClientSettings SHARED_API_KEY =
      settings(AuthClientType.API_KEY, "{\"name\":\"X-Key\",\"value\":\"shared\"}");
  private static final AuthClientSettings OAUTH2 =
      settings(
          AuthClientType.OAUTH2,
          "{\"client_id\":\"id\",\"client_secret\":\"s\",\"auth_uri\":\"https://p.example/a\","
              + "\"token_uri\":\"https://p.example/t\",\"token_expires_in\":600}");

  private static Object tree(String json) {
    try {
      return JSON.readValue(json, Object.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static AuthClientSettings settings(AuthClientType type, String json) {
    return SettingsParser.parse(type, tree(json), BASE);
  }

  private static CredentialInput parse(AuthClientSettings settings, String json) {
    return CredentialInputParser.parse(tree(json), BASE, settings, Optional.empty());
  }

  private static List<Violation> violations(AuthClientSettings settings, String json) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> parse(settings, json));
    assertThat(e).as("%s must be refused", json).isNotNull();
    return e.violations();
  }

  @Test
  void parseWhenNoAuthHasAMemberThenUnknownMember() {
    assertThat(parse(NOAUTH, "{}")).isEqualTo(new CredentialInput.None());
    assertThat(violations(NOAUTH, "{\"x\":1}"))
        .extracting(Violation::field, Violation::code)
        .containsExactly(tuple("credentials/x", "unknown_member"));
  }

  @Test
  void parseWhenBasicHasNoUsernameThenTheStoredOneAndThenTheAuthClientsDefaultIsUsed() {
    CredentialInput.Basic defaulted =
        (CredentialInput.Basic) parse(BASIC_WITH_NAME, "{\"password\":\"p\"}");
    CredentialInput.Basic kept =
        (CredentialInput.Basic)
            CredentialInputParser.parse(
                tree("{\"password\":\"p\"}"), BASE, BASIC_WITH_NAME, Optional.of("stored"));

    assertThat(defaulted.username()).isEqualTo("default-user");
    assertThat(defaulted.password().reveal()).isEqualTo("p");
    assertThat(kept.username()).isEqualTo("stored");
  }

  @Test
  void parseWhenBasicLacksBothUsernameAndPasswordThenBothAreNamed() {
    assertThat(violations(BASIC, "{}"))
        .extracting(Violation::field)
        .containsExactly("credentials/password", "credentials/username");
    assertThat(violations(BASIC, "{\"username\":\"a:b\",\"password\":\"p\"}"))
        .extracting(Violation::code)
        .containsExactly("invalid_username");
  }

  @Test
  void parseWhenApiKeyHasNoValueThenItIsRequiredOnlyWithoutASharedOne() {
    assertThat(parse(SHARED_API_KEY, "{}")).isEqualTo(new CredentialInput.ApiKey(Optional.empty()));
    assertThat(violations(API_KEY, "{}"))
        .extracting(Violation::field, Violation::code)
        .containsExactly(tuple("credentials/value", "missing_member"));
  }

  @Test
  void parseWhenTokensHaveNoExpiresInThenTheAuthClientsLifetimeApplies() {
    CredentialInput.Tokens tokens =
        (CredentialInput.Tokens) parse(OAUTH2, "{\"access_token\":\"a\",\"scope\":\"read\"}");

    assertThat(tokens.expiresIn()).isEqualTo(600);
    assertThat(tokens.scope()).contains("read");
    assertThat(violations(OAUTH2, "{\"access_token\":\"a\",\"token_type\":\"mac\"}"))
        .extracting(Violation::code)
        .containsExactly("unsupported_token_type");
  }

  @Test
  void parseWhenStateIsSentThenAnAuthenticateRoundTripThatPrintsNoSecret() {
    CredentialInput input = parse(OAUTH2, "{\"state\":\"st-123\",\"code\":\"c-456\"}");

    assertThat(input)
        .isEqualTo(
            new CredentialInput.Authenticate(Secret.of("st-123"), Optional.of(Secret.of("c-456"))));
    assertThat(input.toString()).doesNotContain("st-123").doesNotContain("c-456");
    assertThat(violations(OAUTH2, "{\"code\":\"c\"}"))
        .extracting(Violation::field)
        .containsExactly("credentials/state");
    assertThat(violations(OAUTH2, "{\"state\":\"s\",\"access_token\":\"a\"}"))
        .extracting(Violation::field)
        .containsExactly("credentials/access_token");
  }
}
