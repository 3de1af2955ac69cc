package io.credflow.authclient;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Resource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An auth-client's endpoints pass the outbound guard when it is written (docs/security.md,
 * requirement 17): an address Credflow will not call is a {@code 422 outbound_refused} at the
 * member's pointer, every such member at once, and nothing is stored. Not first when a user's code
 * is redeemed, and the round trip is spent. One server refuses private networks as production does
 * (allowing one internal destination); the other allows them, as tests and demos do.
 */
class EndpointGuardTest {
  private static final String ALLOWED = "10.0.0.7:8443";

  @RegisterExtension
  static final CredflowExtension guarded =
      CredflowExtension.h2()
          .configure(c -> c.allowPrivateNetwork(false).allowOutbound(List.of(ALLOWED)))
          .tenancy("guarded");

  @RegisterExtension
  static final CredflowExtension permissive = CredflowExtension.h2().tenancy("permissive");

  @Test
  void createWhenOAuth2EndpointsArePrivateThen422AtEachMemberAndNothingIsStored() {
    AuthClients.Builder client =
        AuthClients.oauth2()
            .clientId("private-endpoints")
            .clientSecret("s")
            .authUri("https://idp.example.com/authorize")
            .tokenUri("http://192.168.1.10/token")
            .credential("refresh_token_uri", "http://[fd00::1]/refresh")
            .revocationUri("http://127.0.0.1:8080/revoke")
            .in(guarded.tenancy());

    Api.Response created = guarded.admin().post("/v2/auth-clients", client.build());

    assertThat(created.status()).as(created.text()).isEqualTo(422);
    assertThat(pointers(created))
        .containsExactly(
            "/data/attributes/credentials/token_uri",
            "/data/attributes/credentials/refresh_token_uri",
            "/data/attributes/credentials/revocation_uri");
    assertThat(created.body().path("errors").findValuesAsText("code"))
        .containsOnly("outbound_refused");
    assertThat(created.body().path("errors").get(0).path("detail").asText())
        .startsWith("token_uri is refused: refused to connect to 192.168.1.10 (private")
        .contains("--allow-private-network");
    assertThat(clientIds(guarded)).doesNotContain("private-endpoints");
  }

  @Test
  void createWhenInstagramEndpointsAreRefusedThen422AtExchangeAndRefreshUri() {
    World.Tenancy t = guarded.tenancy();
    String component = guarded.world().instagramComponent(t.tenant());
    Api.Response created =
        guarded
            .admin()
            .post(
                "/v2/auth-clients",
                AuthClients.instagram()
                    .clientId("ig-private")
                    .clientSecret("s")
                    .credential("exchange_uri", "http://10.1.2.3/access_token")
                    .credential("refresh_uri", "http://169.254.169.254/refresh_access_token")
                    .tenant(t.tenant())
                    .components(component)
                    .build());

    assertThat(created.status()).as(created.text()).isEqualTo(422);
    assertThat(pointers(created))
        .containsExactly(
            "/data/attributes/credentials/exchange_uri",
            "/data/attributes/credentials/refresh_uri");
    assertThat(created.body().path("errors").get(1).path("detail").asText())
        .contains("cloud metadata")
        .contains("always refused");
    assertThat(clientIds(guarded)).doesNotContain("ig-private");
  }

  @Test
  void createWhenTheEndpointIsTheOneAllowedDestinationThenStoredAndAnotherPortIsRefused() {
    AuthClients.Builder client = AuthClients.oauth2().clientSecret("s").in(guarded.tenancy());

    Api.Response allowed =
        guarded
            .admin()
            .post(
                "/v2/auth-clients",
                client.clientId("allowed").tokenUri("https://" + ALLOWED + "/token").build());
    assertThat(allowed.status()).as(allowed.text()).isEqualTo(201);

    Api.Response otherPort =
        guarded
            .admin()
            .post(
                "/v2/auth-clients",
                client.clientId("other-port").tokenUri("https://10.0.0.7:9443/token").build());
    assertThat(otherPort.status()).as(otherPort.text()).isEqualTo(422);
    assertThat(pointers(otherPort)).containsExactly("/data/attributes/credentials/token_uri");
  }

  @Test
  void createWhenPrivateNetworksAreAllowedThenMetadataAddressesAreStillRefused() {
    Api.Response created =
        permissive
            .admin()
            .post(
                "/v2/auth-clients",
                AuthClients.oauth2()
                    .clientId("metadata")
                    .clientSecret("s")
                    .tokenUri("http://169.254.169.254/latest/token")
                    .revocationUri("http://10.0.0.1/revoke")
                    .in(permissive.tenancy())
                    .build());

    assertThat(created.status()).as(created.text()).isEqualTo(422);
    assertThat(pointers(created)).containsExactly("/data/attributes/credentials/token_uri");
    assertThat(clientIds(permissive)).doesNotContain("metadata");
  }

  @Test
  void updateWhenOnlyTheSecretChangesThenStoredEndpointsAreNotCheckedAgain() {
    Api.Response created =
        guarded
            .admin()
            .post(
                "/v2/auth-clients",
                AuthClients.oauth2()
                    .clientId("patched")
                    .clientSecret("s")
                    .in(guarded.tenancy())
                    .build());
    assertThat(created.status()).as(created.text()).isEqualTo(201);

    Api.Response patched =
        guarded
            .admin()
            .patch(
                "/v2/auth-clients/" + created.id(),
                Resource.of("auth-client")
                    .id(created.id())
                    .attribute("credentials", Map.of("client_secret", "new secret"))
                    .build());
    assertThat(patched.status()).as(patched.text()).isEqualTo(200);
  }

  private static List<String> pointers(Api.Response r) {
    return r.body().path("errors").findValuesAsText("pointer");
  }

  private static List<String> clientIds(CredflowExtension server) {
    Api.Response list = server.admin().get("/v2/auth-clients");
    assertThat(list.status()).as(list.text()).isEqualTo(200);
    return list.data().findValues("credentials").stream()
        .map(c -> c.path("client_id"))
        .map(JsonNode::asText)
        .toList();
  }
}
