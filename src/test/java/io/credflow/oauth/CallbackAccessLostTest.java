package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.oauth.Authorizations;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.oauth.RecordedRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An authorization that names the credential to create is saved at the callback on behalf of the
 * user who started it. When that user lost the workspace before the callback, nothing is redeemed;
 * when they lose it while the provider answers the code exchange, the issued tokens are given back
 * (revoked at the provider) rather than kept or forgotten. Either way no credential is made and the
 * callback answers {@code access_lost}.
 */
class CallbackAccessLostTest {
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().manualTime().fakeOAuthProviderPerTest().tenancyPerTest("lost");

  private final TestServer server = credflow.server();
  private final FakeOAuthProvider provider = credflow.provider();
  private final World.Tenancy tenancy = credflow.tenancy();
  private final WorkspaceApi member = credflow.member();

  @Test
  void callbackWhenTheStarterLostTheWorkspaceBeforeThenAccessLostAndNoCodeIsRedeemed() {
    String authClient = authClient();
    URI callback = authorizeAtProvider(authClient, "saved at callback");
    removeMember();

    Api.Response landed = callback(callback);
    assertThat(landed.status()).as(landed.text()).isEqualTo(400);
    assertThat(landed.body().path("code").asText()).isEqualTo("access_lost");
    assertThat(landed.body().path("detail").asText()).contains(tenancy.workspace());
    assertThat(landed.body().path("credential").isNull()).isTrue();
    assertThat(provider.tokenRequestCount()).isZero();
    assertThat(provider.revocationRequests()).isEmpty();
    assertThat(credentialsOf(authClient)).isEmpty();
  }

  @Test
  void callbackWhenTheStarterLosesTheWorkspaceDuringTheCodeExchangeThenTheTokensAreRevoked() {
    String authClient = authClient();
    URI callback = authorizeAtProvider(authClient, "saved at callback");
    provider.onNextTokenRequest(this::removeMember);

    Api.Response landed = callback(callback);
    assertThat(landed.status()).as(landed.text()).isEqualTo(400);
    assertThat(landed.body().path("code").asText()).isEqualTo("access_lost");
    assertThat(landed.body().path("credential").isNull()).isTrue();

    // The code was redeemed once, and what it gave was revoked at once.
    assertThat(provider.tokenRequestCount("authorization_code")).isEqualTo(1);
    List<RecordedRequest> revocations = provider.revocationRequests();
    assertThat(revocations).hasSize(1);
    String revoked = revocations.get(0).param("token").orElseThrow();
    assertThat(provider.isRefreshTokenValid(revoked)).isFalse();
    assertThat(credentialsOf(authClient)).isEmpty();
  }

  private String authClient() {
    return AuthClients.oauth2()
        .at(provider)
        .clientAuth("basic")
        .revocationUri(provider.revocationUri())
        .in(tenancy)
        .create(credflow.admin());
  }

  /**
   * Starts an authorization as the member and signs in at the provider: the callback to land on.
   */
  private URI authorizeAtProvider(String authClient, String credentialName) {
    Api.Response started =
        member
            .api()
            .post(
                member.authorizationsPath(),
                Authorizations.start(authClient, Map.of("credential_name", credentialName))
                    .build());
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    return provider.followAuthorization(URI.create(Authorizations.authorizeUrl(started)));
  }

  private void removeMember() {
    Api.Response removed =
        server
            .admin()
            .delete("/v2/workspaces/" + tenancy.workspace() + "/members/" + tenancy.memberId());
    assertThat(removed.status()).as(removed.text()).isEqualTo(204);
  }

  private Api.Response callback(URI callback) {
    return member
        .api()
        .send(HttpRequest.newBuilder(callback).GET().header("Accept", "application/json"));
  }

  /** The workspace's credentials of {@code authClient}, as the global admin sees them. */
  private List<String> credentialsOf(String authClient) {
    Api.Response list =
        server.admin().get(member.credentialsPath() + "?filter%5Bauth_client%5D=" + authClient);
    assertThat(list.status()).as(list.text()).isEqualTo(200);
    return list.data().findValuesAsText("id");
  }
}
