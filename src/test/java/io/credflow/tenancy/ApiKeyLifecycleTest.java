package io.credflow.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.common.NotFoundException;
import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.tenancy.TenancyService.NewApiKey;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.World;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user's own API keys, made and revoked through {@link TenancyService} (as the console does) and
 * used through the HTTP API: a new key works at once, a revoked one fails at once, and nobody
 * lists, or revokes, another user's keys.
 */
class ApiKeyLifecycleTest {
  @RegisterExtension
  static final CredflowExtension credflow = CredflowExtension.h2().tenancyPerTest("keys");

  private final World.Tenancy t = credflow.tenancy();
  private final TenancyService tenancy = credflow.server().credflow().services().tenancy();

  private Caller member() {
    return tenancy.callerFor(t.memberId()).orElseThrow();
  }

  private Caller tenantAdmin() {
    return tenancy.callerFor(t.adminId()).orElseThrow();
  }

  private int statusWith(String key) {
    return credflow.server().as(key).get("/v2/users/" + t.memberId()).status();
  }

  @Test
  void createApiKeyWhenMadeThenItAuthenticatesAsBearerAndBasicAtOnce() {
    NewApiKey made = tenancy.createApiKey(member(), "ci pipeline");

    assertThat(made.secret().reveal()).startsWith(ApiKeys.PREFIX);
    assertThat(made.key().name()).isEqualTo("ci pipeline");
    assertThat(made.key().revokedAt()).isEmpty();
    assertThat(made.toString()).doesNotContain(made.secret().reveal());
    assertThat(statusWith(made.secret().reveal())).isEqualTo(200);
    String email = tenancy.user(member(), t.memberId()).email();
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (email + ":" + made.secret().reveal()).getBytes(StandardCharsets.UTF_8));
    Api.Response viaBasic =
        new Api(credflow.server().baseUrl(), null)
            .send(
                HttpRequest.newBuilder(
                        java.net.URI.create(
                            credflow.server().baseUrl() + "/v2/users/" + t.memberId()))
                    .header("Authorization", "Basic " + basic)
                    .GET());
    assertThat(viaBasic.status()).as(viaBasic.text()).isEqualTo(200);
    assertThat(statusWith(t.memberKey())).as("the first key still works").isEqualTo(200);
  }

  @Test
  void revokeApiKeyWhenRevokedThenTheNextRequestWithItIs401AndOtherKeysStillWork() {
    NewApiKey made = tenancy.createApiKey(member(), "laptop");
    assertThat(statusWith(made.secret().reveal())).as("used, so cached").isEqualTo(200);

    tenancy.revokeApiKey(member(), made.key().id());

    Api.Response refused = credflow.server().as(made.secret().reveal()).get("/v2/users/me");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(statusWith(made.secret().reveal())).isEqualTo(401);
    assertThat(statusWith(t.memberKey())).isEqualTo(200);
    assertThat(tenancy.authenticate(java.util.Optional.empty(), made.secret())).isEmpty();
  }

  @Test
  void revokeApiKeyWhenTheFirstKeyIsRevokedThenItIs401AndANewKeyWorks() {
    NewApiKey next = tenancy.createApiKey(member(), "next");
    ApiKey first =
        tenancy.apiKeys(member()).stream()
            .filter(k -> k.name().equals(ApiKey.FIRST_KEY_NAME))
            .findFirst()
            .orElseThrow();
    assertThat(statusWith(t.memberKey())).isEqualTo(200);

    tenancy.revokeApiKey(member(), first.id());

    assertThat(statusWith(t.memberKey())).isEqualTo(401);
    assertThat(statusWith(next.secret().reveal())).isEqualTo(200);
  }

  @Test
  void apiKeysWhenListedThenOnlyTheCallersOwnNewestFirstRevokedOnesIncluded() {
    NewApiKey a = tenancy.createApiKey(member(), "a");
    NewApiKey b = tenancy.createApiKey(member(), "b");
    tenancy.revokeApiKey(member(), a.key().id());
    tenancy.createApiKey(tenantAdmin(), "the admin's");

    List<ApiKey> keys = tenancy.apiKeys(member());

    assertThat(keys).extracting(ApiKey::name).containsExactly("b", "a", ApiKey.FIRST_KEY_NAME);
    assertThat(keys.get(0)).isEqualTo(b.key());
    assertThat(keys.get(1).revoked()).isTrue();
    assertThat(keys.get(2).revoked()).isFalse();
    assertThat(tenancy.apiKeys(tenantAdmin()))
        .extracting(ApiKey::name)
        .containsExactly("the admin's", ApiKey.FIRST_KEY_NAME);
  }

  @Test
  void revokeApiKeyWhenTheKeyIsAnotherUsersOrUnknownThenNotFoundAndTheKeyStillWorks() {
    NewApiKey theirs = tenancy.createApiKey(member(), "member's");

    assertThatThrownBy(() -> tenancy.revokeApiKey(tenantAdmin(), theirs.key().id()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining(theirs.key().id());
    Caller global = tenancy.bootstrapAdminCaller();
    assertThatThrownBy(() -> tenancy.revokeApiKey(global, theirs.key().id()))
        .as("not even a global admin revokes another user's key")
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> tenancy.revokeApiKey(member(), "0123456789abcdef01234567"))
        .isInstanceOf(NotFoundException.class);

    assertThat(statusWith(theirs.secret().reveal())).isEqualTo(200);
  }

  @Test
  void revokeApiKeyWhenRevokedTwiceThenTheSecondChangesNothing() {
    NewApiKey made = tenancy.createApiKey(member(), "twice");
    tenancy.revokeApiKey(member(), made.key().id());
    ApiKey revoked = tenancy.apiKeys(member()).get(0);

    tenancy.revokeApiKey(member(), made.key().id());

    assertThat(tenancy.apiKeys(member()).get(0)).isEqualTo(revoked);
  }

  @Test
  void createApiKeyWhenTheNameIsBlankOrTooLongThenAViolationOnName() {
    for (String name : new String[] {null, "", "   ", "n".repeat(TenancyService.MAX_NAME + 1)}) {
      assertThatThrownBy(() -> tenancy.createApiKey(member(), name))
          .isInstanceOfSatisfying(
              ValidationException.class,
              e -> assertThat(e.violations()).extracting(Violation::field).containsExactly("name"));
    }
    assertThat(tenancy.apiKeys(member())).hasSize(1);
    assertThat(tenancy.createApiKey(member(), "n".repeat(TenancyService.MAX_NAME)).key().name())
        .hasSize(TenancyService.MAX_NAME);
  }

  @Test
  void newApiKeyWhenPrintedThenTheSecretDoesNotShow() {
    Secret secret = ApiKeys.generate();
    NewApiKey made =
        new NewApiKey(
            new ApiKey(
                "0123456789abcdef01234567",
                "x",
                java.time.Instant.EPOCH,
                java.util.Optional.empty()),
            secret);
    assertThat(made.toString()).doesNotContain(secret.reveal());
  }
}
