package io.credflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.Config;
import io.credflow.authclient.ApiKeySettings;
import io.credflow.authclient.AuthClient;
import io.credflow.authclient.InstagramSettings;
import io.credflow.authclient.OAuth2Settings;
import io.credflow.common.Secret;
import io.credflow.component.AuthClientType;
import io.credflow.credential.Authorization;
import io.credflow.credential.Credential;
import io.credflow.credential.CredentialError;
import io.credflow.credential.CredentialSecrets;
import io.credflow.credential.CredentialState;
import io.credflow.tenancy.Location;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * No {@code toString()} of a value that holds a secret shows it (docs/security.md 6): every such
 * value is built with canary secrets and its text searched for them.
 */
class ToStringRedactionTest {
  private static final Instant NOW = Instant.parse("2024-01-02T03:04:05Z");

  @Test
  void secretWhenPrintedThenShowsOnlyTheMask() {
    String canary = SecretsFixture.canary("secret");
    Secret secret = Secret.of(canary);
    assertThat(secret.toString()).isEqualTo(Secret.MASK);
    assertThat(String.valueOf(secret)).doesNotContain(canary);
    assertThat("" + Optional.of(secret) + List.of(secret) + Map.of("k", secret))
        .doesNotContain(canary);
    assertThat(secret.reveal()).isEqualTo(canary);
  }

  @Test
  void credentialSecretsWhenPrintedThenNoSecretShows() {
    String password = SecretsFixture.canary("password");
    String key = SecretsFixture.canary("key");
    String access = SecretsFixture.canary("access");
    String refresh = SecretsFixture.canary("refresh");
    List<CredentialSecrets> all =
        List.of(
            new CredentialSecrets.None(),
            new CredentialSecrets.Basic("alice", Secret.of(password)),
            new CredentialSecrets.ApiKey(Optional.of(Secret.of(key))),
            new CredentialSecrets.ApiKey(Optional.empty()),
            new CredentialSecrets.Tokens(Secret.of(access), Optional.of(Secret.of(refresh))));
    for (CredentialSecrets secrets : all) {
      assertThat(secrets.toString())
          .doesNotContain(password)
          .doesNotContain(key)
          .doesNotContain(access)
          .doesNotContain(refresh);
    }
    assertThat(all.get(1).toString()).contains("alice").contains(Secret.MASK);
  }

  @Test
  void credentialWhenPrintedThenNoSecretShows() {
    String access = SecretsFixture.canary("access");
    String refresh = SecretsFixture.canary("refresh");
    Credential credential =
        new Credential(
            "c1",
            new Credential.Owner("w1", "a1", "k1", "u1"),
            "tokens",
            new Credential.Grant(
                AuthClientType.OAUTH2,
                new CredentialSecrets.Tokens(Secret.of(access), Optional.of(Secret.of(refresh))),
                Optional.of(NOW),
                Optional.of("read")),
            Credential.Condition.of(
                CredentialState.NEEDS_REAUTH,
                Optional.of(new CredentialError("invalid_grant", "revoked", NOW))),
            new Credential.Revision(3, NOW, NOW, 1));
    assertThat(credential.toString()).doesNotContain(access).doesNotContain(refresh).contains("c1");
    assertThat(List.of(credential).toString()).doesNotContain(access).doesNotContain(refresh);
  }

  @Test
  void authClientAndItsSettingsWhenPrintedThenNoSecretShows() {
    String clientSecret = SecretsFixture.canary("client-secret");
    String igSecret = SecretsFixture.canary("ig-secret");
    String sharedKey = SecretsFixture.canary("shared-key");
    OAuth2Settings oauth2 =
        new OAuth2Settings(
            "client-id",
            Secret.of(clientSecret),
            URI.create("https://p.example.com/authorize"),
            URI.create("https://p.example.com/token"),
            Optional.empty(),
            3600,
            Optional.empty(),
            OAuth2Settings.ClientAuth.BASIC,
            true,
            Optional.of(List.of("read")),
            Map.of("access_type", "offline"));
    InstagramSettings instagram =
        new InstagramSettings(
            "ig",
            Secret.of(igSecret),
            InstagramSettings.DEFAULT_AUTH_URI,
            InstagramSettings.DEFAULT_TOKEN_URI,
            InstagramSettings.DEFAULT_EXCHANGE_URI,
            InstagramSettings.DEFAULT_REFRESH_URI,
            60,
            Optional.empty());
    ApiKeySettings apiKey =
        new ApiKeySettings(
            "X-Api-Key", Optional.of(Secret.of(sharedKey)), ApiKeySettings.Placement.HEADER);
    AuthClient authClient =
        new AuthClient(
            "a1",
            "oauth",
            oauth2,
            Optional.of(Location.tenant("t1")),
            "t1",
            List.of("k1"),
            NOW,
            NOW,
            1);

    List<String> texts =
        List.of(
            oauth2.toString(),
            oauth2.members().toString(),
            instagram.toString(),
            instagram.members().toString(),
            apiKey.toString(),
            apiKey.members().toString(),
            authClient.toString(),
            authClient.with("renamed", apiKey, List.of("k1")).toString());
    for (String text : texts) {
      assertThat(text)
          .doesNotContain(clientSecret)
          .doesNotContain(igSecret)
          .doesNotContain(sharedKey);
    }
    assertThat(oauth2.toString()).contains("client-id");
  }

  @Test
  void authorizationWhenPrintedThenNoSecretShows() {
    String token = SecretsFixture.canary("token");
    Authorization header =
        new Authorization.Header("Authorization", Secret.of("Bearer " + token), "Bearer ********");
    Authorization query = new Authorization.QueryParameter("access_token", Secret.of(token));
    assertThat(header.toString()).doesNotContain(token);
    assertThat(query.toString()).doesNotContain(token);
  }

  @Test
  void configWhenPrintedThenNeitherPasswordsNorTheAdminKeyShow() {
    String dbPassword = SecretsFixture.canary("db-password");
    String urlPassword = SecretsFixture.canary("url-password");
    String adminKey = SecretsFixture.canary("admin-key");
    Config postgres =
        Config.builder()
            .dbUrl(
                "jdbc:postgresql://db.example.com:5432/credflow?user=app&password="
                    + urlPassword
                    + "&ssl=true")
            .dbUser("app")
            .dbPassword(dbPassword)
            .adminApiKey(adminKey)
            .build();
    Config h2 =
        Config.builder()
            .dbUrl("jdbc:h2:file:/var/lib/credflow/db;USER=sa;PASSWORD=" + urlPassword)
            .build();
    for (Config config : List.of(postgres, h2)) {
      assertThat(config.toString())
          .doesNotContain(dbPassword)
          .doesNotContain(urlPassword)
          .doesNotContain(adminKey);
    }
    assertThat(postgres.toString()).contains("db.example.com").contains("ssl=true");
    assertThat(postgres.dbUrl()).contains(urlPassword);
  }
}
