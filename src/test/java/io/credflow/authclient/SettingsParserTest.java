package io.credflow.authclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.component.AuthClientType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "credentials";

  private static Object tree(String json) {
    try {
      return JSON.readValue(json, Object.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> seedCredentials(String type) {
    try (InputStream in =
        SettingsParserTest.class.getResourceAsStream("/fixtures/auth-client-credentials.json")) {
      Map<String, Object> all = JSON.readValue(in, Map.class);
      return new LinkedHashMap<>((Map<String, Object>) all.get(type));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static AuthClientSettings parse(AuthClientType type, String json) {
    return SettingsParser.parse(type, tree(json), BASE);
  }

  private static List<Violation> violations(AuthClientType type, Object tree) {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> SettingsParser.parse(type, tree, BASE));
    assertThat(e).as("%s credentials %s must be refused", type, tree).isNotNull();
    return e.violations();
  }

  private static List<Violation> violations(AuthClientType type, String json) {
    return violations(type, tree(json));
  }

  private static List<String> pointers(AuthClientType type, String json) {
    return violations(type, json).stream().map(Violation::field).toList();
  }

  private static final String OAUTH2_MINIMAL =
      "{\"client_id\":\"cid\",\"client_secret\":\"s3cret\","
          + "\"auth_uri\":\"https://idp.example.com/authorize\","
          + "\"token_uri\":\"https://idp.example.com/token\"}";

  private static String oauth2With(String extraMembers) {
    return OAUTH2_MINIMAL.substring(0, OAUTH2_MINIMAL.length() - 1) + "," + extraMembers + "}";
  }

  // noauth

  @Test
  void parseNoauthWhenEmptyObjectThenNoAuthSettings() {
    assertThat(parse(AuthClientType.NOAUTH, "{}")).isEqualTo(new NoAuthSettings());
  }

  @Test
  void parseNoauthWhenAnyMemberThenRefusedWithItsPointer() {
    List<Violation> v = violations(AuthClientType.NOAUTH, "{\"name\":\"x\"}");

    assertThat(v).extracting(Violation::field).containsExactly(BASE + "/name");
    assertThat(v).extracting(Violation::code).containsExactly("unknown_member");
  }

  @Test
  void parseWhenCredentialsIsNotAnObjectThenRefusedAtTheBase() {
    for (AuthClientType type : AuthClientType.values()) {
      assertThat(violations(type, List.of()))
          .as(type.wireName())
          .first()
          .satisfies(
              v -> {
                assertThat(v.field()).isEqualTo(BASE);
                assertThat(v.code()).isEqualTo("invalid_type");
              });
    }
  }

  // basic

  @Test
  void parseBasicWhenSeedBodyThenDefaultUserNameIsItsName() {
    AuthClientSettings s =
        SettingsParser.parse(AuthClientType.BASIC, seedCredentials("basic"), BASE);

    assertThat(s).isEqualTo(new BasicSettings(Optional.of("USER_NAME")));
    assertThat(s.members()).containsExactly(Map.entry("name", "USER_NAME"));
  }

  @Test
  void parseBasicWhenNameIsAbsentThenNoDefaultUserName() {
    assertThat(parse(AuthClientType.BASIC, "{}")).isEqualTo(new BasicSettings(Optional.empty()));
  }

  @Test
  void parseBasicWhenNameIsNotAStringOrBlankThenRefusedAtName() {
    assertThat(pointers(AuthClientType.BASIC, "{\"name\":5}")).containsExactly(BASE + "/name");
    assertThat(pointers(AuthClientType.BASIC, "{\"name\":\"  \"}")).containsExactly(BASE + "/name");
  }

  @Test
  void parseBasicWhenUnknownMemberThenRefusedWithItsPointer() {
    assertThat(pointers(AuthClientType.BASIC, "{\"name\":\"u\",\"password\":\"p\"}"))
        .containsExactly(BASE + "/password");
  }

  // api_key

  @Test
  void parseApiKeyWhenSeedBodyThenHeaderPlacementAndSharedSecretValue() {
    ApiKeySettings s =
        (ApiKeySettings)
            SettingsParser.parse(AuthClientType.API_KEY, seedCredentials("api_key"), BASE);

    assertThat(s.name()).isEqualTo("HEADER_NAME");
    assertThat(s.value()).contains(Secret.of("API_KEY"));
    assertThat(s.in()).isEqualTo(ApiKeySettings.Placement.HEADER);
    assertThat(s.members().get("value")).isInstanceOf(Secret.class);
    assertThat(s.members()).containsEntry("in", "header");
  }

  @Test
  void parseApiKeyWhenValueIsAbsentThenNoSharedKey() {
    ApiKeySettings s = (ApiKeySettings) parse(AuthClientType.API_KEY, "{\"name\":\"X-Api-Key\"}");

    assertThat(s.value()).isEmpty();
    assertThat(s.members()).doesNotContainKey("value");
  }

  @Test
  void parseApiKeyWhenNameIsMissingThenRefusedAtName() {
    List<Violation> v = violations(AuthClientType.API_KEY, "{\"value\":\"k\"}");

    assertThat(v).extracting(Violation::field).containsExactly(BASE + "/name");
    assertThat(v).extracting(Violation::code).containsExactly("missing_member");
  }

  @Test
  void parseApiKeyWhenNameIsNotAValidHeaderNameThenRefusedAtName() {
    for (String bad : List.of("X Api Key", "X-Api-Key:", "Ключ", "(key)", "a\\u0000b", "a/b")) {
      List<Violation> v =
          violations(AuthClientType.API_KEY, "{\"name\":\"" + bad + "\",\"value\":\"k\"}");

      assertThat(v).as(bad).extracting(Violation::field).containsExactly(BASE + "/name");
      assertThat(v).as(bad).extracting(Violation::code).containsExactly("invalid_header_name");
    }
  }

  @Test
  void parseApiKeyWhenNameUsesEveryTokenCharacterThenAccepted() {
    ApiKeySettings s =
        (ApiKeySettings)
            parse(AuthClientType.API_KEY, "{\"name\":\"X-Key_1.2!#$%&'*+^`|~\",\"value\":\"k\"}");

    assertThat(s.name()).isEqualTo("X-Key_1.2!#$%&'*+^`|~");
  }

  @Test
  void parseApiKeyWhenHeaderIsHostThenRefusedButAsQueryParameterAccepted() {
    assertThat(pointers(AuthClientType.API_KEY, "{\"name\":\"Host\"}"))
        .containsExactly(BASE + "/name");

    ApiKeySettings s =
        (ApiKeySettings) parse(AuthClientType.API_KEY, "{\"name\":\"host\",\"in\":\"query\"}");
    assertThat(s.in()).isEqualTo(ApiKeySettings.Placement.QUERY);
  }

  @Test
  void parseApiKeyWhenInQueryThenQueryPlacement() {
    ApiKeySettings s =
        (ApiKeySettings)
            parse(
                AuthClientType.API_KEY, "{\"name\":\"api_key\",\"value\":\"k\",\"in\":\"query\"}");

    assertThat(s.in()).isEqualTo(ApiKeySettings.Placement.QUERY);
    assertThat(s.members()).containsEntry("in", "query");
  }

  @Test
  void parseApiKeyWhenInIsNeitherHeaderNorQueryThenRefusedAtIn() {
    for (String bad : List.of("\"cookie\"", "\"Header\"", "\"QUERY\"", "1")) {
      assertThat(pointers(AuthClientType.API_KEY, "{\"name\":\"X-Key\",\"in\":" + bad + "}"))
          .as(bad)
          .containsExactly(BASE + "/in");
    }
  }

  @Test
  void parseApiKeyWhenUnknownMemberThenRefusedWithItsPointer() {
    assertThat(pointers(AuthClientType.API_KEY, "{\"name\":\"X-Key\",\"header\":\"X\"}"))
        .containsExactly(BASE + "/header");
  }

  // oauth2

  @Test
  void parseOAuth2WhenOnlyRequiredMembersThenDefaultsApply() {
    OAuth2Settings s = (OAuth2Settings) parse(AuthClientType.OAUTH2, OAUTH2_MINIMAL);

    assertThat(s.clientId()).isEqualTo("cid");
    assertThat(s.clientSecret().reveal()).isEqualTo("s3cret");
    assertThat(s.authUri()).isEqualTo(URI.create("https://idp.example.com/authorize"));
    assertThat(s.tokenUri()).isEqualTo(URI.create("https://idp.example.com/token"));
    assertThat(s.refreshTokenUri()).isEmpty();
    assertThat(s.effectiveRefreshUri()).isEqualTo(s.tokenUri());
    assertThat(s.tokenExpiresIn()).isEqualTo(3600);
    assertThat(s.clientAuth()).isEqualTo(OAuth2Settings.ClientAuth.POST);
    assertThat(s.pkce()).isTrue();
    assertThat(s.revocationUri()).isEmpty();
    assertThat(s.scopes()).isEmpty();
    assertThat(s.extraAuthParams()).isEmpty();
  }

  @Test
  void parseOAuth2WhenSeedBodyWithRealEndpointsThenItsRefreshUriAndLifetimeAreKept() {
    Map<String, Object> seed = seedCredentials("oauth2");
    seed.put("auth_uri", "https://idp.example.com/authorize");
    seed.put("token_uri", "https://idp.example.com/token");

    OAuth2Settings s = (OAuth2Settings) SettingsParser.parse(AuthClientType.OAUTH2, seed, BASE);

    assertThat(s.refreshTokenUri()).contains(URI.create("http://example.com"));
    assertThat(s.effectiveRefreshUri()).isEqualTo(URI.create("http://example.com"));
    assertThat(s.tokenExpiresIn()).isEqualTo(18000);
    assertThat(s.clientId()).isEqualTo("CLIENT_ID");
  }

  @Test
  void parseOAuth2WhenSeedBodyAsItIsThenItsPlaceholderEndpointsAreRefusedAsUrls() {
    List<Violation> v = violations(AuthClientType.OAUTH2, (Object) seedCredentials("oauth2"));

    assertThat(v)
        .extracting(Violation::field)
        .containsExactlyInAnyOrder(BASE + "/auth_uri", BASE + "/token_uri");
    assertThat(v).extracting(Violation::code).containsOnly("invalid_url");
  }

  @Test
  void parseOAuth2WhenEveryOptionalMemberIsSetThenEachIsKept() {
    OAuth2Settings s =
        (OAuth2Settings)
            parse(
                AuthClientType.OAUTH2,
                oauth2With(
                    "\"refresh_token_uri\":\"https://idp.example.com/refresh\","
                        + "\"token_expires_in\":18000,"
                        + "\"revocation_uri\":\"https://idp.example.com/revoke\","
                        + "\"client_auth\":\"basic\",\"pkce\":false,"
                        + "\"scopes\":[\"openid\",\"email\"],"
                        + "\"extra_auth_params\":{\"access_type\":\"offline\",\"prompt\":\"consent\"}"));

    assertThat(s.refreshTokenUri()).contains(URI.create("https://idp.example.com/refresh"));
    assertThat(s.effectiveRefreshUri()).isEqualTo(URI.create("https://idp.example.com/refresh"));
    assertThat(s.tokenExpiresIn()).isEqualTo(18000);
    assertThat(s.revocationUri()).contains(URI.create("https://idp.example.com/revoke"));
    assertThat(s.clientAuth()).isEqualTo(OAuth2Settings.ClientAuth.BASIC);
    assertThat(s.pkce()).isFalse();
    assertThat(s.scopes()).contains(List.of("openid", "email"));
    assertThat(s.extraAuthParams())
        .containsExactlyInAnyOrderEntriesOf(Map.of("access_type", "offline", "prompt", "consent"));
  }

  @Test
  void parseOAuth2WhenRequiredMembersAreMissingThenEachIsNamed() {
    List<Violation> v = violations(AuthClientType.OAUTH2, "{}");

    assertThat(v)
        .extracting(Violation::field)
        .containsExactlyInAnyOrder(
            BASE + "/client_id", BASE + "/client_secret", BASE + "/auth_uri", BASE + "/token_uri");
    assertThat(v).extracting(Violation::code).containsOnly("missing_member");
  }

  @Test
  void parseOAuth2WhenClientIdIsBlankThenRefusedAtClientId() {
    assertThat(
            pointers(
                AuthClientType.OAUTH2,
                OAUTH2_MINIMAL.replace("\"client_id\":\"cid\"", "\"client_id\":\"\"")))
        .containsExactly(BASE + "/client_id");
  }

  @Test
  void parseOAuth2WhenAnEndpointIsNotAnAbsoluteHttpUrlThenRefusedAtIt() {
    for (String bad :
        List.of(
            "TOKEN_URI",
            "/token",
            "ftp://idp.example.com/token",
            "https://",
            "javascript:x()",
            "https://idp example.com/token")) {
      List<Violation> v =
          violations(
              AuthClientType.OAUTH2, OAUTH2_MINIMAL.replace("https://idp.example.com/token", bad));

      assertThat(v).as(bad).extracting(Violation::field).containsExactly(BASE + "/token_uri");
      assertThat(v).as(bad).extracting(Violation::code).containsExactly("invalid_url");
    }
  }

  @Test
  void parseOAuth2WhenOptionalEndpointsAreNotUrlsThenRefusedAtEach() {
    assertThat(
            pointers(
                AuthClientType.OAUTH2,
                oauth2With("\"refresh_token_uri\":\"nope\",\"revocation_uri\":\"file:///etc\"")))
        .containsExactlyInAnyOrder(BASE + "/refresh_token_uri", BASE + "/revocation_uri");
  }

  @Test
  void parseOAuth2WhenHttpEndpointThenAccepted() {
    OAuth2Settings s =
        (OAuth2Settings)
            parse(
                AuthClientType.OAUTH2,
                OAUTH2_MINIMAL.replace("https://idp.example.com/token", "http://localhost:8081/t"));

    assertThat(s.tokenUri()).isEqualTo(URI.create("http://localhost:8081/t"));
  }

  @Test
  void parseOAuth2WhenTokenExpiresInIsNotAPositiveWholeNumberThenRefused() {
    for (String bad : List.of("0", "-5", "\"3600\"", "1.5", "true", "4000000000000")) {
      assertThat(pointers(AuthClientType.OAUTH2, oauth2With("\"token_expires_in\":" + bad)))
          .as(bad)
          .containsExactly(BASE + "/token_expires_in");
    }
  }

  @Test
  void parseOAuth2WhenTokenExpiresInIsAtTheBoundsThenAccepted() {
    assertThat(
            ((OAuth2Settings) parse(AuthClientType.OAUTH2, oauth2With("\"token_expires_in\":1")))
                .tokenExpiresIn())
        .isEqualTo(1);
    assertThat(
            ((OAuth2Settings)
                    parse(
                        AuthClientType.OAUTH2,
                        oauth2With("\"token_expires_in\":" + SettingsParser.MAX_TOKEN_EXPIRES_IN)))
                .tokenExpiresIn())
        .isEqualTo(SettingsParser.MAX_TOKEN_EXPIRES_IN);
  }

  @Test
  void parseOAuth2WhenClientAuthOrPkceHaveWrongValuesThenRefusedAtEach() {
    assertThat(
            pointers(
                AuthClientType.OAUTH2, oauth2With("\"client_auth\":\"digest\",\"pkce\":\"yes\"")))
        .containsExactlyInAnyOrder(BASE + "/client_auth", BASE + "/pkce");
  }

  @Test
  void parseOAuth2WhenScopesAreNotANonEmptyListOfTokensThenRefusedAtScopes() {
    for (String bad : List.of("[]", "\"openid email\"", "[\"openid email\"]", "[1]", "[\"\"]")) {
      assertThat(pointers(AuthClientType.OAUTH2, oauth2With("\"scopes\":" + bad)))
          .as(bad)
          .containsExactly(BASE + "/scopes");
    }
  }

  @Test
  void parseOAuth2WhenExtraAuthParamsSetAReservedNameThenRefusedAtExtraAuthParams() {
    for (String reserved :
        List.of(
            "response_type",
            "client_id",
            "redirect_uri",
            "scope",
            "state",
            "code_challenge",
            "code_challenge_method")) {
      List<Violation> v =
          violations(
              AuthClientType.OAUTH2,
              oauth2With("\"extra_auth_params\":{\"" + reserved + "\":\"x\"}"));

      assertThat(v)
          .as(reserved)
          .extracting(Violation::field)
          .containsExactly(BASE + "/extra_auth_params");
      assertThat(v).as(reserved).extracting(Violation::code).containsExactly("reserved_parameter");
      assertThat(v.get(0).detail()).contains(reserved);
    }
  }

  @Test
  void parseOAuth2WhenExtraAuthParamsHaveNonStringValuesThenRefused() {
    assertThat(pointers(AuthClientType.OAUTH2, oauth2With("\"extra_auth_params\":{\"a\":1}")))
        .containsExactly(BASE + "/extra_auth_params");
    assertThat(pointers(AuthClientType.OAUTH2, oauth2With("\"extra_auth_params\":[\"a\"]")))
        .containsExactly(BASE + "/extra_auth_params");
  }

  @Test
  void parseOAuth2WhenUnknownMembersThenEachIsRefusedWithItsPointer() {
    List<Violation> v =
        violations(
            AuthClientType.OAUTH2,
            oauth2With(
                "\"exchange_uri\":\"https://x.example.com\",\"redirect_uri\":\"https://y\""));

    assertThat(v)
        .extracting(Violation::field)
        .containsExactlyInAnyOrder(BASE + "/exchange_uri", BASE + "/redirect_uri");
    assertThat(v).extracting(Violation::code).containsOnly("unknown_member");
  }

  @Test
  void membersWhenOAuth2ThenClientSecretIsASecretAndDefaultsAreSpelledOut() {
    Map<String, Object> m = parse(AuthClientType.OAUTH2, OAUTH2_MINIMAL).members();

    assertThat(m.get("client_secret")).isInstanceOf(Secret.class);
    assertThat(m.get("client_secret").toString()).isEqualTo(Secret.MASK);
    assertThat(m)
        .containsEntry("token_expires_in", 3600L)
        .containsEntry("client_auth", "post")
        .containsEntry("pkce", true)
        .doesNotContainKey("refresh_token_uri");
  }

  // oauth2_instagram

  @Test
  void parseInstagramWhenOnlyClientIdAndSecretThenInstagramEndpointsAreTheDefaults() {
    InstagramSettings s =
        (InstagramSettings)
            parse(
                AuthClientType.OAUTH2_INSTAGRAM,
                "{\"client_id\":\"ig\",\"client_secret\":\"igsecret\"}");

    assertThat(s.clientId()).isEqualTo("ig");
    assertThat(s.clientSecret().reveal()).isEqualTo("igsecret");
    assertThat(s.authUri()).isEqualTo(URI.create("https://api.instagram.com/oauth/authorize"));
    assertThat(s.tokenUri()).isEqualTo(URI.create("https://api.instagram.com/oauth/access_token"));
    assertThat(s.exchangeUri()).isEqualTo(URI.create("https://graph.instagram.com/access_token"));
    assertThat(s.refreshUri())
        .isEqualTo(URI.create("https://graph.instagram.com/refresh_access_token"));
    assertThat(s.tokenExpiresIn()).isEqualTo(InstagramSettings.DEFAULT_TOKEN_EXPIRES_IN);
    assertThat(s.scopes()).isEmpty();
  }

  @Test
  void parseInstagramWhenEndpointsAreOverriddenThenTheOverridesAreKept() {
    InstagramSettings s =
        (InstagramSettings)
            parse(
                AuthClientType.OAUTH2_INSTAGRAM,
                "{\"client_id\":\"ig\",\"client_secret\":\"s\","
                    + "\"auth_uri\":\"http://127.0.0.1:9000/authorize\","
                    + "\"token_uri\":\"http://127.0.0.1:9000/token\","
                    + "\"exchange_uri\":\"http://127.0.0.1:9000/exchange\","
                    + "\"refresh_uri\":\"http://127.0.0.1:9000/refresh\"}");

    assertThat(s.authUri()).isEqualTo(URI.create("http://127.0.0.1:9000/authorize"));
    assertThat(s.tokenUri()).isEqualTo(URI.create("http://127.0.0.1:9000/token"));
    assertThat(s.exchangeUri()).isEqualTo(URI.create("http://127.0.0.1:9000/exchange"));
    assertThat(s.refreshUri()).isEqualTo(URI.create("http://127.0.0.1:9000/refresh"));
  }

  @Test
  void parseInstagramWhenClientIdAndSecretAreMissingThenBothAreNamed() {
    assertThat(pointers(AuthClientType.OAUTH2_INSTAGRAM, "{}"))
        .containsExactlyInAnyOrder(BASE + "/client_id", BASE + "/client_secret");
  }

  @Test
  void parseInstagramWhenAnEndpointOverrideIsNotAUrlThenRefusedAtIt() {
    assertThat(
            pointers(
                AuthClientType.OAUTH2_INSTAGRAM,
                "{\"client_id\":\"ig\",\"client_secret\":\"s\",\"exchange_uri\":\"graph\"}"))
        .containsExactly(BASE + "/exchange_uri");
  }

  @Test
  void parseInstagramWhenMembersOfPlainOAuth2ThenRefusedAsUnknown() {
    assertThat(
            pointers(
                AuthClientType.OAUTH2_INSTAGRAM,
                "{\"client_id\":\"ig\",\"client_secret\":\"s\","
                    + "\"refresh_token_uri\":\"https://x.example.com\",\"pkce\":true}"))
        .containsExactlyInAnyOrder(BASE + "/refresh_token_uri", BASE + "/pkce");
  }

  @Test
  void parseWhenManyThingsAreWrongThenAllViolationsComeAtOnce() {
    List<Violation> v =
        violations(
            AuthClientType.OAUTH2,
            "{\"client_id\":\"cid\",\"auth_uri\":\"x\",\"token_uri\":\"https://t.example.com\","
                + "\"pkce\":1,\"colour\":\"red\"}");

    assertThat(v)
        .extracting(Violation::field)
        .containsExactlyInAnyOrder(
            BASE + "/client_secret", BASE + "/auth_uri", BASE + "/pkce", BASE + "/colour");
  }
}
