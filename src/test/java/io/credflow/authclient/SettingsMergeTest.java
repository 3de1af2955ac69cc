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
import org.junit.jupiter.api.Test;

class SettingsMergeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final AuthClientSettings OAUTH2 =
      SettingsParser.parse(
          AuthClientType.OAUTH2,
          tree(
              "{\"client_id\":\"id\",\"client_secret\":\"s3cret\","
                  + "\"auth_uri\":\"https://p.example/auth\",\"token_uri\":\"https://p.example/t\"}"),
          "credentials");
  private static final AuthClientSettings API_KEY =
      SettingsParser.parse(AuthClientType.API_KEY, tree("{\"name\":\"X-Key\"}"), "credentials");

  private static Object tree(String json) {
    try {
      return JSON.readValue(json, Object.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static AuthClientSettings merge(AuthClientSettings current, String patch) {
    return SettingsMerge.apply(
        current, SettingsPatch.parse(tree(patch), "credentials"), "credentials");
  }

  private static Violation refused(AuthClientSettings current, String patch) {
    ValidationException e =
        catchThrowableOfType(ValidationException.class, () -> merge(current, patch));
    assertThat(e).as("patch %s must be refused", patch).isNotNull();
    assertThat(e.violations()).hasSize(1);
    return e.violations().get(0);
  }

  @Test
  void parseWhenMembersAreMaskNullOrValueThenKeepRemoveOrReplace() {
    SettingsPatch patch =
        SettingsPatch.parse(
            tree("{\"client_secret\":\"" + Secret.MASK + "\",\"scopes\":null,\"name\":\"x\"}"),
            "credentials");

    assertThat(patch.edits().get("client_secret")).isInstanceOf(SettingsPatch.Edit.Keep.class);
    assertThat(patch.edits().get("scopes")).isInstanceOf(SettingsPatch.Edit.Remove.class);
    assertThat(patch.edits().get("name")).isEqualTo(new SettingsPatch.Edit.Replace("x"));
    assertThat(patch.edits().get("name").toString()).doesNotContain("x]");
  }

  @Test
  void parseWhenNotAnObjectThenRefusedAtTheField() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> SettingsPatch.parse(tree("[1]"), "credentials"));

    assertThat(e.violations()).extracting(Violation::field).containsExactly("credentials");
    assertThat(e.code()).isEqualTo("invalid_type");
  }

  @Test
  void applyWhenTheMaskIsSentForAStoredSecretThenTheSecretIsKept() {
    OAuth2Settings merged =
        (OAuth2Settings)
            merge(OAUTH2, "{\"client_secret\":\"" + Secret.MASK + "\",\"token_expires_in\":60}");

    assertThat(merged.clientSecret().reveal()).isEqualTo("s3cret");
    assertThat(merged.tokenExpiresIn()).isEqualTo(60);
  }

  @Test
  void applyWhenTheMaskIsSentWithNoStoredSecretThenMaskedValue() {
    Violation v = refused(API_KEY, "{\"value\":\"" + Secret.MASK + "\"}");

    assertThat(v.code()).isEqualTo("masked_value");
    assertThat(v.field()).isEqualTo("credentials/value");
  }

  @Test
  void applyWhenAnOAuthClientIdChangesThenImmutableMember() {
    Violation v = refused(OAUTH2, "{\"client_id\":\"other\"}");

    assertThat(v.code()).isEqualTo("immutable_member");
    assertThat(v.field()).isEqualTo("credentials/client_id");
    assertThat(merge(OAUTH2, "{\"client_id\":\"id\"}")).isEqualTo(OAUTH2);
  }

  @Test
  void applyWhenAnOptionalMemberIsNullThenItIsRemoved() {
    AuthClientSettings withValue = merge(API_KEY, "{\"value\":\"k-1\"}");

    ApiKeySettings removed = (ApiKeySettings) merge(withValue, "{\"value\":null}");

    assertThat(((ApiKeySettings) withValue).value()).isPresent();
    assertThat(removed.value()).isEmpty();
  }
}
