package io.credflow.oauth;

import static io.credflow.oauth.RefreshScheduleTest.credentialPath;
import static io.credflow.oauth.RefreshScheduleTest.eventsPath;
import static io.credflow.oauth.RefreshScheduleTest.importTokens;
import static io.credflow.oauth.RefreshScheduleTest.scheduleOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.outbound.HostResolver;
import io.credflow.testing.Api;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import io.credflow.testing.oauth.FakeOAuthProvider;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token calls under the outbound guard (docs/security.md, requirement 17), on a server that refuses
 * private networks as production does: a token endpoint on loopback is never called. Written as an
 * address, the auth-client is refused when it is written; written as a name that resolves there
 * ({@code idp.test}), it is refused when it is called: redeeming a code answers 422 {@code
 * outbound_refused}, and a refresh records the refusal as a problem of the auth-client's
 * configuration. The test's browser knows {@code idp.test} as 127.0.0.1 too.
 */
class OutboundTokenCallTest {
  private static final long LIFETIME = 3600;

  private static SettableClock clock;
  private static TestServer server;
  private static FakeOAuthProvider provider;
  private static World world;
  private static World.Tenancy t;
  private static Api member;

  @BeforeAll
  static void start() {
    clock = new SettableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    HostResolver names =
        host ->
            host.equals("idp.test")
                ? List.of(InetAddress.getByName("127.0.0.1"))
                : HostResolver.SYSTEM.resolve(host);
    server =
        TestServer.start(
            false, clock, config -> config.allowPrivateNetwork(false).hostResolver(names));
    provider = FakeOAuthProvider.start().clock(clock::instant);
    world = new World(server);
    t = world.tenancy("outbound");
    member = server.as(t.memberKey());
  }

  @AfterAll
  static void stop() {
    provider.close();
    server.close();
  }

  @Test
  void writeWhenTheTokenEndpointIsALoopbackAddressThen422AtTheMemberAndNothingIsStored() {
    Map<String, Object> settings = settings(provider.tokenUri());
    settings.put("client_id", "refused-at-write");
    settings.put("auth_uri", provider.authorizeUri().toString());
    Api.Response created =
        server
            .admin()
            .post(
                "/v2/auth-clients",
                World.authClientDoc(t.tenant(), t.component(), "oauth2", settings));

    assertThat(created.status()).as(created.text()).isEqualTo(422);
    assertThat(created.body().path("errors").findValuesAsText("pointer"))
        .containsExactly(
            "/data/attributes/credentials/auth_uri", "/data/attributes/credentials/token_uri");
    JsonNode tokenUri = created.body().path("errors").get(1);
    assertThat(tokenUri.path("code").asText()).isEqualTo("outbound_refused");
    assertThat(tokenUri.path("detail").asText())
        .isEqualTo(
            "token_uri is refused: refused to connect to 127.0.0.1 (loopback): this server does not"
                + " allow private networks; start it with --allow-private-network to allow them, or"
                + " with --allow-outbound 127.0.0.1:"
                + provider.tokenUri().getPort()
                + " to allow this one");
    Api.Response listed =
        server.admin().get("/v2/auth-clients?filter%5Bcomponent%5D=" + t.component());
    assertThat(listed.data().findValuesAsText("client_id")).doesNotContain("refused-at-write");
    assertThat(provider.tokenRequestCount()).isZero();
  }

  @Test
  void saveWhenTheTokenEndpointsNameResolvesToLoopbackThen422NamingTheName() {
    String authClient = authClient(named(provider.tokenUri()));
    Api.Response started = startAuthorization(authClient, Map.of());
    callback(signIn(started));

    Api.Response saved = save(authClient, state(started));

    assertThat(saved.status()).as(saved.text()).isEqualTo(422);
    assertThat(saved.error().path("code").asText()).isEqualTo("outbound_refused");
    assertThat(saved.error().path("detail").asText())
        .contains("auth-client " + authClient)
        .contains("refused to connect to 127.0.0.1 (loopback, from \"idp.test\")");
    assertThat(provider.tokenRequestCount()).isZero();
  }

  @Test
  void callbackWhenItSavesTheCredentialThenItAnswersOutboundRefusedAndNothingIsSent() {
    String authClient = authClient(named(provider.tokenUri()));
    Api.Response started =
        startAuthorization(authClient, Map.of("credential_name", "saved at callback"));

    Api.Response landed = callback(signIn(started));

    assertThat(landed.status()).as(landed.text()).isEqualTo(422);
    assertThat(landed.body().path("status").asText()).isEqualTo("error");
    assertThat(landed.body().path("code").asText()).isEqualTo("outbound_refused");
    assertThat(landed.body().path("detail").asText())
        .contains("127.0.0.1 (loopback, from \"idp.test\")");
    assertThat(landed.body().path("credential").isNull()).isTrue();
    assertThat(provider.tokenRequestCount()).isZero();
  }

  @Test
  void refreshWhenTheTokenEndpointIsRefusedThenTheAuthClientIsReportedMisconfigured() {
    String authClient = authClient(named(provider.tokenUri()));
    Instant imported = clock.instant();
    String id = importTokens(member, t, authClient, provider.issueTokens("read"), LIFETIME);

    // Due but still valid: retried later, still ready, and the event says what stands in the way.
    clock.set(scheduleOf(server, id).refreshAt().orElseThrow());
    server.runDueRefreshes(clock);
    assertThat(member.get(credentialPath(t, id)).attributes().path("state").asText())
        .isEqualTo("ready");
    assertThat(scheduleOf(server, id).failures()).isEqualTo(1);
    assertThat(member.get(eventsPath(t, id)).text())
        .contains("credential.refresh_failed")
        .contains("the token endpoint of auth-client " + authClient + " (oauth2) was not called")
        .contains("refused to connect to 127.0.0.1 (loopback, from")
        .contains("idp.test")
        .contains("--allow-private-network");

    // Expired and still refused: the credential is in error, as for a wrong client secret.
    clock.set(imported.plusSeconds(LIFETIME + 1));
    server.runDueRefreshes(clock);
    JsonNode attrs = member.get(credentialPath(t, id)).attributes();
    assertThat(attrs.path("state").asText()).isEqualTo("error");
    assertThat(attrs.path("error").path("code").asText()).isEqualTo("auth_client_misconfigured");
    assertThat(attrs.path("error").path("detail").asText())
        .contains("auth-client " + authClient)
        .contains("127.0.0.1 (loopback, from \"idp.test\")");
    assertThat(provider.tokenRequestCount()).isZero();
  }

  // ---- helpers ----

  private static String authClient(URI tokenUri) {
    return world.authClient(
        server.admin(), t.tenant(), t.component(), "oauth2", settings(tokenUri));
  }

  /** The provider's settings with this token endpoint, signing in at {@code idp.test}. */
  private static Map<String, Object> settings(URI tokenUri) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("client_id", provider.clientId());
    settings.put("client_secret", provider.clientSecret());
    settings.put("auth_uri", named(provider.authorizeUri()).toString());
    settings.put("token_uri", tokenUri.toString());
    return settings;
  }

  /** The provider's {@code uri} under the name {@code idp.test}, which resolves to loopback. */
  private static URI named(URI uri) {
    return URI.create(uri.toString().replace("127.0.0.1", "idp.test"));
  }

  /** The test's browser at the provider: it resolves {@code idp.test} to loopback itself. */
  private static URI signIn(Api.Response started) {
    return provider.followAuthorization(
        URI.create(authorizeUrl(started).toString().replace("idp.test", "127.0.0.1")));
  }

  private static Api.Response startAuthorization(String authClient, Map<String, Object> attrs) {
    Api.Response started =
        member.post(
            "/v2/workspaces/" + t.workspace() + "/authorizations",
            World.doc(
                "authorization",
                attrs,
                Map.of("auth_client", World.rel("auth-client", authClient))));
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    return started;
  }

  private static URI authorizeUrl(Api.Response started) {
    return URI.create(started.attributes().path("authorize_url").asText());
  }

  private static String state(Api.Response started) {
    return started.attributes().path("state").asText();
  }

  /** The browser landing on Credflow's callback, asking for JSON. */
  private static Api.Response callback(URI callback) {
    return member.send(HttpRequest.newBuilder(callback).header("Accept", "application/json").GET());
  }

  private static Api.Response save(String authClient, String state) {
    return member.post(
        "/v2/workspaces/" + t.workspace() + "/credentials",
        World.credentialDoc("refused", authClient, Map.of("state", state)));
  }
}
