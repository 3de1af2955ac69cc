package io.credflow.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.store.Jdbc;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.documents.Resource;
import io.credflow.testing.oauth.FakeOAuthProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A credential whose stored secrets this server cannot decrypt (another keyset, an altered
 * ciphertext) is one credential in error, not a broken workspace: the list and reads answer it with
 * state {@code error} and a reason naming the keyset, every use of it is a {@code 409}, and the
 * other credentials work as ever. The ciphertext is altered in the database, as an operator's
 * mistake or an attacker would.
 */
class UnreadableSecretsTest {
  private static final long LIFETIME = 3600;

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().manualTime().fakeOAuthProviderPerTest().tenancyPerTest("unreadable");

  private final TestServer server = credflow.server();
  private final SettableClock clock = credflow.clock();
  private final FakeOAuthProvider provider = credflow.provider();
  private final World.Tenancy tenancy = credflow.tenancy();
  private final WorkspaceApi member = credflow.member();

  @Test
  void listWhenOneCredentialsSecretsCannotBeDecryptedThenTheOthersAreListedAndItIsInError() {
    String kept = basicCredential("kept", "kept-password-1");
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String broken = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);
    alter(broken);

    Api.Response list = member.list();
    assertThat(list.status()).as(list.text()).isEqualTo(200);
    assertThat(list.data().findValuesAsText("id")).contains(kept, broken);
    JsonNode listed = byId(list.data(), broken);
    assertUnreadable(listed.path("attributes"), broken);
    assertThat(byId(list.data(), kept).path("attributes").path("state").asText())
        .isEqualTo("ready");
    assertThat(list.text())
        .doesNotContain(tokens.accessToken())
        .doesNotContain(tokens.refreshToken().orElseThrow());

    Api.Response read = member.get(broken);
    assertThat(read.status()).as(read.text()).isEqualTo(200);
    assertUnreadable(read.attributes(), broken);
  }

  @Test
  void useWhenTheSecretsCannotBeDecryptedThenAccessRequestsAndRefreshAre409AndNoProviderIsCalled() {
    String kept = basicCredential("kept", "kept-password-2");
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String broken = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);
    alter(broken);

    for (Api.Response r :
        List.of(
            member.access(broken),
            member.refresh(broken),
            request(broken, provider.resourceUri().toString()))) {
      assertThat(r.status()).as(r.raw().uri() + ": " + r.text()).isEqualTo(409);
      assertThat(r.error().path("code").asText()).isEqualTo("credential_not_ready");
      assertThat(r.error().path("detail").asText())
          .contains(broken)
          .contains("cannot be decrypted")
          .contains("keyset");
      assertThat(r.text()).doesNotContain(tokens.accessToken());
    }
    assertThat(provider.tokenRequestCount()).isZero();
    assertThat(provider.resourceRequests()).isEmpty();

    // Its scheduled refresh comes due: nothing to send, so it backs off instead of failing loudly
    // on every poll, and the schedule stays for when the keyset is put right.
    clock.set(server.schedule(broken).refreshAt().orElseThrow());
    server.runDueRefreshes();
    assertThat(provider.tokenRequestCount()).isZero();
    assertThat(server.schedule(broken).failures()).isEqualTo(1);
    assertThat(server.schedule(broken).refreshAt().orElseThrow()).isAfter(clock.instant());

    Api.Response access = member.access(kept);
    assertThat(access.status()).as(access.text()).isEqualTo(200);
  }

  @Test
  void updateWhenTheSecretsCannotBeDecryptedThenARenameKeepsThemAndNewSecretsMakeItReady() {
    String broken = basicCredential("broken", "old-password-3");
    byte[] altered = alter(broken);

    Api.Response renamed =
        member.patch(
            broken, Resource.of("credential").id(broken).attribute("name", "renamed").build());
    assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
    assertThat(renamed.attributes().path("name").asText()).isEqualTo("renamed");
    assertThat(renamed.attributes().path("state").asText()).isEqualTo("error");
    assertThat(ciphertext(broken)).isEqualTo(altered);

    Api.Response replaced =
        member.patch(
            broken,
            Resource.of("credential")
                .id(broken)
                .attribute("credentials", Map.of("username", "u", "password", "new-password-3"))
                .build());
    assertThat(replaced.status()).as(replaced.text()).isEqualTo(200);
    assertThat(replaced.attributes().path("state").asText()).isEqualTo("ready");
    assertThat(replaced.attributes().path("error").isNull()).isTrue();
    Api.Response access = member.access(broken);
    assertThat(access.status()).as(access.text()).isEqualTo(200);
  }

  private void assertUnreadable(JsonNode attributes, String id) {
    assertThat(attributes.path("state").asText()).isEqualTo("error");
    assertThat(attributes.path("error").path("code").asText()).isEqualTo("secrets_unreadable");
    assertThat(attributes.path("error").path("detail").asText())
        .contains(id)
        .contains("cannot be decrypted")
        .contains("keyset has " + server.credflow().services().keyring().fingerprint());
  }

  private String basicCredential(String name, String password) {
    String authClient = AuthClients.basic().in(tenancy).create(credflow.admin());
    return member.create(
        Credentials.named(name)
            .authClient(authClient)
            .secret("username", "u")
            .secret("password", password));
  }

  private Api.Response request(String credential, String url) {
    return member
        .api()
        .post(
            "/v2/workspaces/" + tenancy.workspace() + "/requests",
            Resource.of("request")
                .attribute(
                    "config", Map.of("reader", Map.of("method", "GET", "url", "\"" + url + "\"")))
                .relationship("credential", "credential", credential)
                .build());
  }

  /** Flips one bit of the credential's stored ciphertext; returns the altered bytes. */
  private byte[] alter(String credential) {
    byte[] altered = ciphertext(credential).clone();
    altered[altered.length / 2] ^= 0x01;
    assertThat(
            jdbc().update("UPDATE credentials SET secrets = ? WHERE id = ?", altered, credential))
        .isEqualTo(1);
    return altered;
  }

  private byte[] ciphertext(String credential) {
    return jdbc()
        .queryOne("SELECT secrets FROM credentials WHERE id = ?", rs -> rs.getBytes(1), credential)
        .orElseThrow();
  }

  private Jdbc jdbc() {
    return server.credflow().database().jdbc();
  }

  private static JsonNode byId(JsonNode data, String id) {
    for (JsonNode r : data) {
      if (r.path("id").asText().equals(id)) {
        return r;
      }
    }
    throw new AssertionError("no " + id + " in " + data);
  }
}
