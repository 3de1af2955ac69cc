package io.credflow.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DescriptorParserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "descriptor";

  /**
   * For each entry of invalid-descriptors.json, in order: the pointer (below the descriptor) and
   * the code of the violation it must raise.
   */
  private static final List<List<String>> EXPECTED_VIOLATIONS =
      List.of(
          List.of("/authClientTypes/1", "invalid_auth_client_type"),
          List.of("/authClientTypes/0", "invalid_auth_client_type"),
          List.of("/authClientTypes", "invalid_auth_client_types"),
          List.of("/authClientTypes/1", "duplicate_auth_client_type"),
          List.of("/credentials/fields/auth/viewClass", "unsupported_view_class"),
          List.of("/credentials/oauth2/scopes", "missing_scopes"),
          List.of("/credentials/fields/auth/viewClass", "invalid_view_class"));

  static Object fixture(String name) {
    try (InputStream in = DescriptorParserTest.class.getResourceAsStream("/fixtures/" + name)) {
      assertThat(in).as("fixture %s on the classpath", name).isNotNull();
      return JSON.readValue(in, Object.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Object tree(String json) {
    try {
      return JSON.readValue(json, Object.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Violation> violationsOf(Object descriptor) {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> DescriptorParser.parse(descriptor, BASE));
    assertThat(e).as("descriptor %s must be refused", descriptor).isNotNull();
    return e.violations();
  }

  @Test
  void parseWhenRestApiV2FixtureThenAcceptsItsFourTypesInOrderWithHttpAuthView() {
    Object tree = fixture("component-rest-api-v2.json");

    Descriptor d = DescriptorParser.parse(tree, BASE);

    assertThat(d.authClientTypes())
        .containsExactly(
            AuthClientType.OAUTH2,
            AuthClientType.BASIC,
            AuthClientType.API_KEY,
            AuthClientType.NOAUTH);
    assertThat(d.viewClass()).contains(ViewClass.HTTP_AUTH_VIEW);
    assertThat(d.scopes()).isEmpty();
    assertThat(d.accepts(AuthClientType.OAUTH2_INSTAGRAM)).isFalse();
    assertThat(d.accepts(AuthClientType.BASIC)).isTrue();
  }

  @Test
  void parseWhenRestApiV2FixtureThenKeepsTheWholeDocumentAsSent() {
    Object tree = fixture("component-rest-api-v2.json");

    Descriptor d = DescriptorParser.parse(tree, BASE);

    assertThat(d.document()).isEqualTo(tree);
    assertThat(d.document())
        .containsEntry("title", "REST API V2")
        .containsKey("description")
        .containsKey("credentials");
  }

  @Test
  void parseWhenInstagramFixtureThenOAuthFieldViewWithItsScopes() {
    Descriptor d = DescriptorParser.parse(fixture("component-instagram.json"), BASE);

    assertThat(d.authClientTypes()).containsExactly(AuthClientType.OAUTH2_INSTAGRAM);
    assertThat(d.viewClass()).contains(ViewClass.OAUTH_FIELD_VIEW);
    assertThat(d.scopes()).containsExactly("user_profile", "user_media");
    assertThat(d.accepts(AuthClientType.OAUTH2_INSTAGRAM)).isTrue();
    assertThat(d.accepts(AuthClientType.OAUTH2)).isFalse();
  }

  static Stream<Arguments> invalidDescriptors() {
    List<?> entries = (List<?>) fixture("invalid-descriptors.json");
    assertThat(entries).hasSameSizeAs(EXPECTED_VIOLATIONS);
    return IntStream.range(0, entries.size())
        .mapToObj(
            i -> {
              Map<?, ?> entry = (Map<?, ?>) entries.get(i);
              return Arguments.of(
                  entry.get("why"),
                  entry.get("descriptor"),
                  EXPECTED_VIOLATIONS.get(i).get(0),
                  EXPECTED_VIOLATIONS.get(i).get(1));
            });
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("invalidDescriptors")
  void parseWhenInvalidDescriptorFixtureThenRefusedWithPointerToTheOffendingMember(
      String why, Object descriptor, String pointer, String code) {
    List<Violation> violations = violationsOf(descriptor);

    assertThat(violations).as(why).hasSize(1);
    assertThat(violations.get(0).field()).as(why).isEqualTo(BASE + pointer);
    assertThat(violations.get(0).code()).as(why).isEqualTo(code);
    assertThat(violations.get(0).detail()).as(why).isNotBlank();
  }

  @Test
  void parseWhenTypeIsMisspelledThenDetailNamesTheValueAndTheAllowedTypes() {
    Violation v = violationsOf(tree("{\"authClientTypes\":[\"oauth2\",\"Basic\"]}")).get(0);

    assertThat(v.detail())
        .contains("\"Basic\"")
        .contains("[noauth, basic, api_key, oauth2, oauth2_instagram]");
  }

  @Test
  void parseWhenEveryTypeIsListedOnceThenAllFiveAreAccepted() {
    Descriptor d =
        DescriptorParser.parse(
            tree(
                "{\"authClientTypes\":[\"oauth2_instagram\",\"noauth\",\"api_key\",\"basic\","
                    + "\"oauth2\"]}"),
            BASE);

    assertThat(d.authClientTypes())
        .containsExactly(
            AuthClientType.OAUTH2_INSTAGRAM,
            AuthClientType.NOAUTH,
            AuthClientType.API_KEY,
            AuthClientType.BASIC,
            AuthClientType.OAUTH2);
    assertThat(d.viewClass()).isEmpty();
  }

  @Test
  void parseWhenAuthClientTypesIsMissingThenRefusedAtAuthClientTypes() {
    List<Violation> violations = violationsOf(tree("{\"title\":\"x\"}"));

    assertThat(violations).extracting(Violation::field).containsExactly(BASE + "/authClientTypes");
  }

  @Test
  void parseWhenAuthClientTypesIsAStringNotAnArrayThenRefused() {
    List<Violation> violations = violationsOf(tree("{\"authClientTypes\":\"oauth2\"}"));

    assertThat(violations).extracting(Violation::field).containsExactly(BASE + "/authClientTypes");
  }

  @Test
  void parseWhenAnEntryIsNotAStringThenRefusedAtThatEntry() {
    List<Violation> violations = violationsOf(tree("{\"authClientTypes\":[\"basic\",7,null]}"));

    assertThat(violations)
        .extracting(Violation::field)
        .containsExactly(BASE + "/authClientTypes/1", BASE + "/authClientTypes/2");
  }

  @Test
  void parseWhenTypeHasSurroundingSpaceOrOtherCaseThenRefused() {
    for (String bad : List.of(" basic", "API_KEY", "OAuth2", "no-auth", "oauth2-instagram")) {
      List<Violation> violations = violationsOf(tree("{\"authClientTypes\":[\"" + bad + "\"]}"));

      assertThat(violations)
          .as(bad)
          .extracting(Violation::field)
          .containsExactly(BASE + "/authClientTypes/0");
    }
  }

  @Test
  void parseWhenSeveralRulesAreBrokenThenEveryViolationIsReported() {
    List<Violation> violations =
        violationsOf(
            tree(
                "{\"authClientTypes\":[\"Basic\",\"noauth\",\"noauth\"],"
                    + "\"credentials\":{\"fields\":{\"auth\":{\"viewClass\":\"FancyView\"}}}}"));

    assertThat(violations)
        .extracting(Violation::field)
        .containsExactlyInAnyOrder(
            BASE + "/authClientTypes/0",
            BASE + "/authClientTypes/2",
            BASE + "/credentials/fields/auth/viewClass");
  }

  @Test
  void parseWhenDescriptorIsNotAnObjectThenRefusedAtTheDescriptorItself() {
    for (Object notAnObject : List.of(List.of("oauth2"), "oauth2", 3)) {
      List<Violation> violations = violationsOf(notAnObject);

      assertThat(violations).extracting(Violation::field).containsExactly(BASE);
    }
  }

  @Test
  void parseWhenCredentialsIsNotAnObjectThenRefusedAtCredentials() {
    List<Violation> violations =
        violationsOf(tree("{\"authClientTypes\":[\"basic\"],\"credentials\":[]}"));

    assertThat(violations).extracting(Violation::field).containsExactly(BASE + "/credentials");
  }

  @Test
  void parseWhenViewClassIsNotAStringThenRefusedAtViewClass() {
    List<Violation> violations =
        violationsOf(
            tree(
                "{\"authClientTypes\":[\"basic\"],"
                    + "\"credentials\":{\"fields\":{\"auth\":{\"viewClass\":1}}}}"));

    assertThat(violations)
        .extracting(Violation::field)
        .containsExactly(BASE + "/credentials/fields/auth/viewClass");
  }

  @Test
  void parseWhenViewClassIsSpelledInAnotherCaseThenRefused() {
    List<Violation> violations =
        violationsOf(
            tree(
                "{\"authClientTypes\":[\"basic\"],"
                    + "\"credentials\":{\"fields\":{\"auth\":{\"viewClass\":\"httpauthview\"}}}}"));

    assertThat(violations).extracting(Violation::code).containsExactly("invalid_view_class");
  }

  @Test
  void parseWhenHttpAuthViewWithOAuth2ThenAccepted() {
    Descriptor d =
        DescriptorParser.parse(
            tree(
                "{\"authClientTypes\":[\"oauth2\"],"
                    + "\"credentials\":{\"fields\":{\"auth\":{\"viewClass\":\"HTTPAuthView\"}}}}"),
            BASE);

    assertThat(d.viewClass()).contains(ViewClass.HTTP_AUTH_VIEW);
  }

  @Test
  void parseWhenHttpAuthViewListsInstagramAmongOtherTypesThenStillRefused() {
    List<Violation> violations =
        violationsOf(
            tree(
                "{\"authClientTypes\":[\"oauth2\",\"oauth2_instagram\"],"
                    + "\"credentials\":{\"fields\":{\"auth\":{\"viewClass\":\"HTTPAuthView\"}},"
                    + "\"oauth2\":{\"scopes\":[\"a\"]}}}"));

    assertThat(violations)
        .extracting(Violation::field)
        .containsExactly(BASE + "/credentials/fields/auth/viewClass");
  }

  @Test
  void parseWhenNoViewClassThenInstagramNeedsNoScopes() {
    Descriptor d =
        DescriptorParser.parse(tree("{\"authClientTypes\":[\"oauth2_instagram\"]}"), BASE);

    assertThat(d.viewClass()).isEmpty();
    assertThat(d.scopes()).isEmpty();
  }

  @Test
  void parseWhenOAuthFieldViewScopesAreEmptyThenRefusedAtScopes() {
    List<Violation> violations =
        violationsOf(
            tree(
                "{\"authClientTypes\":[\"oauth2\"],"
                    + "\"credentials\":{\"fields\":{\"auth\":{\"viewClass\":\"OAuthFieldView\"}},"
                    + "\"oauth2\":{\"scopes\":[]}}}"));

    assertThat(violations)
        .extracting(Violation::field)
        .contains(BASE + "/credentials/oauth2/scopes")
        .allMatch(p -> p.equals(BASE + "/credentials/oauth2/scopes"));
  }

  @Test
  void parseWhenScopesHoldANonStringOrASpaceThenRefusedAtScopes() {
    for (String scopes : List.of("[\"a\", 1]", "[\"read write\"]", "\"read\"", "[\"\"]")) {
      List<Violation> violations =
          violationsOf(
              tree(
                  "{\"authClientTypes\":[\"oauth2\"],"
                      + "\"credentials\":{\"oauth2\":{\"scopes\":"
                      + scopes
                      + "}}}"));

      assertThat(violations)
          .as(scopes)
          .extracting(Violation::field)
          .contains(BASE + "/credentials/oauth2/scopes");
    }
  }

  @Test
  void parseWhenCredentialsOAuth2IsNotAnObjectThenRefusedThere() {
    List<Violation> violations =
        violationsOf(
            tree("{\"authClientTypes\":[\"oauth2\"],\"credentials\":{\"oauth2\":[\"a\"]}}"));

    assertThat(violations)
        .extracting(Violation::field)
        .containsExactly(BASE + "/credentials/oauth2");
  }

  @Test
  void parseWhenScopesAreDeclaredWithoutAViewClassThenTheyAreKept() {
    Descriptor d =
        DescriptorParser.parse(
            tree(
                "{\"authClientTypes\":[\"oauth2\"],"
                    + "\"credentials\":{\"oauth2\":{\"scopes\":[\"openid\",\"email\"]}}}"),
            BASE);

    assertThat(d.scopes()).containsExactly("openid", "email");
  }

  @Test
  void isScopeTokenWhenPrintableAsciiWithoutSpaceQuoteOrBackslashThenTrue() {
    assertThat(DescriptorParser.isScopeToken("https://graph.example.com/.default")).isTrue();
    assertThat(DescriptorParser.isScopeToken("user:email")).isTrue();
    for (String bad : List.of("", "a b", "a\"b", "a\\b", "é", "a\tb")) {
      assertThat(DescriptorParser.isScopeToken(bad)).as(bad).isFalse();
    }
  }

  @Test
  void parseWhenBaseIsAnotherPointerThenViolationsAreUnderIt() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class,
            () -> DescriptorParser.parse(tree("{\"authClientTypes\":[]}"), "/x"));

    assertThat(e.violations()).extracting(Violation::field).containsExactly("/x/authClientTypes");
  }
}
