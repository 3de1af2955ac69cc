package io.credflow.oauth;

import static io.credflow.testing.oauth.Authorizations.authorizeParams;
import static io.credflow.testing.oauth.Authorizations.authorizeUrl;
import static io.credflow.testing.oauth.Authorizations.query;
import static io.credflow.testing.oauth.Authorizations.state;
import static io.credflow.testing.oauth.Authorizations.withoutQuery;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.credential.CredentialSecrets;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Components;
import io.credflow.testing.documents.Resource;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.oauth.LeakCheck;
import io.credflow.testing.oauth.MockOAuth2Provider;
import io.credflow.testing.oauth.RecordedRequest;
import io.credflow.testing.oauth.RoundTrip;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Authenticate round trip over HTTP against real servers (docs/api.md § OAuth2 authorization,
 * docs/tokens.md § Authorization code flow): start, the browser at the provider, the callback, and
 * the save that redeems the code. The server's clock stands still (whole seconds), so expiry times
 * are exact.
 */
class AuthorizationFlowTest {
  private static final Duration ROUND_TRIP = Duration.ofMinutes(10);

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2()
          .manualTime()
          .fakeOAuthProvider()
          .mockOAuth2Provider()
          .tenancy("authflow");

  private static String scopedComponent;

  private final SettableClock clock = credflow.clock();
  private final TestServer server = credflow.server();
  private final FakeOAuthProvider provider = credflow.provider();
  private final MockOAuth2Provider mock = credflow.mockOAuth2();
  private final World.Tenancy t = credflow.tenancy();
  private final WorkspaceApi workspace = credflow.member();
  private final Api member = workspace.api();

  /**
   * Every response received in the current test (but the audited {@code …/access} release) and
   * every secret seen in it: none may appear in any of them.
   */
  @RegisterExtension
  final LeakCheck leaks =
      new LeakCheck(
          FakeOAuthProvider.DEFAULT_CLIENT_SECRET,
          URLEncoder.encode(FakeOAuthProvider.DEFAULT_CLIENT_SECRET, StandardCharsets.UTF_8));

  /** Start, callback and save as the member; the saved tokens become secrets of the check. */
  private final RoundTrip trip = RoundTrip.of(server, t, leaks);

  @BeforeAll
  static void scopedComponent() {
    scopedComponent =
        Components.named(
                "Scoped API",
                Components.oauthFieldView(
                    "Scoped API", List.of("oauth2"), List.of("read:items", "write:items")))
            .tenant(credflow.tenancy().tenant())
            .create(credflow.admin());
  }

  // ---- the real third-party server ----

  @Test
  void authenticateWhenMockOAuth2ServerIsTheProviderThenTheStoredBearerTokenWorksThere()
      throws Exception {
    leaks.secret("mock-client-secret-0123456789");
    String authClient =
        AuthClients.oauth2()
            .clientId("credflow-at-mock")
            .clientSecret("mock-client-secret-0123456789")
            .authUri(mock.authorizeUri())
            .tokenUri(mock.tokenUri())
            .credential("scopes", List.of("openid", "profile"))
            .credential(
                "extra_auth_params",
                Map.of("access_type", "offline", "include_granted_scopes", "true"))
            .in(t)
            .create(server.admin());

    Api.Response started = trip.start(authClient, Map.of(), Map.of());
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    assertThat(started.header("Cache-Control")).contains("no-store");
    String state = started.attributes().path("state").asText();
    assertThat(Instant.parse(started.attributes().path("expires_at").asText()))
        .isEqualTo(clock.instant().plus(ROUND_TRIP));
    assertThat(started.attributes().path("redirect_uri").asText()).isEqualTo(server.callbackUri());
    URI authorizeUrl = URI.create(started.attributes().path("authorize_url").asText());
    assertThat(withoutQuery(authorizeUrl)).isEqualTo(mock.authorizeUri().toString());
    Map<String, String> params = query(authorizeUrl);
    assertThat(params)
        .containsEntry("response_type", "code")
        .containsEntry("client_id", "credflow-at-mock")
        .containsEntry("redirect_uri", server.callbackUri())
        .containsEntry("scope", "openid profile")
        .containsEntry("state", state)
        .containsEntry("code_challenge_method", "S256")
        .containsEntry("include_granted_scopes", "true")
        .containsEntry("access_type", "offline");
    assertThat(params.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");

    mock.enqueueLogin("alice-at-mock", Map.of(), Duration.ofHours(1));
    URI callback = mock.followAuthorization(authorizeUrl);
    assertThat(withoutQuery(callback)).isEqualTo(server.callbackUri());
    Map<String, String> landedWith = query(callback);
    assertThat(landedWith).containsEntry("state", state).containsKey("code");
    leaks.secret(landedWith.get("code"));

    Api.Response page = leaks.seen(member.send(HttpRequest.newBuilder(callback).GET()));
    assertThat(page.status()).as(page.text()).isEqualTo(200);
    assertThat(page.header("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertThat(page.header("Cache-Control")).contains("no-store");
    assertThat(page.text())
        .startsWith("<!doctype html>")
        .contains("window.opener", "postMessage(")
        .doesNotContain(state)
        .doesNotContain(landedWith.get("code"));

    Api.Response saved = trip.save("at mock", authClient, Map.of("state", state));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    assertThat(saved.attributes().path("header").path("name").asText()).isEqualTo("Authorization");
    assertThat(saved.attributes().path("header").path("value").asText())
        .isEqualTo("Bearer ********");
    assertThat(saved.attributes().path("has_refresh_token").asBoolean()).isTrue();
    assertThat(saved.attributes().path("state").asText()).isEqualTo("ready");
    Api.Response read = leaks.seen(workspace.get(saved.id()));
    assertThat(read.attributes().path("header").path("value").asText())
        .isEqualTo("Bearer ********");
    CredentialSecrets.Tokens tokens = trip.storedTokens(saved.id());

    String bearer = accessHeader(saved.id());
    assertThat(bearer).isEqualTo("Bearer " + tokens.accessToken().reveal());
    String jwt = bearer.substring("Bearer ".length());
    JsonNode claims = Api.JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    assertThat(claims.path("iss").asText()).isEqualTo(mock.issuer());
    assertThat(claims.path("sub").asText()).isEqualTo("alice-at-mock");
    Api.Response userinfo =
        member.send(
            HttpRequest.newBuilder(URI.create(mock.issuer() + "/userinfo"))
                .header("Authorization", bearer)
                .GET());
    assertThat(userinfo.status()).as(userinfo.text()).isEqualTo(200);
    assertThat(userinfo.body().path("sub").asText()).isEqualTo("alice-at-mock");
  }

  // ---- client authentication at the token endpoint ----

  @Test
  void saveWhenClientAuthIsPostThenIdAndSecretGoInTheFormAndNoAuthorizationHeader() {
    String authClient = fakeClient(provider, Map.of("client_auth", "post"));
    String credential = authenticate(authClient, "post auth");

    RecordedRequest token = trip.lastCodeExchange(provider);
    assertThat(token.authorization()).isEmpty();
    assertThat(token.params())
        .containsEntry("client_id", provider.clientId())
        .containsEntry("client_secret", provider.clientSecret())
        .containsEntry("grant_type", "authorization_code")
        .containsEntry("redirect_uri", server.callbackUri());
    assertThat(provider.isAccessTokenValid(bearerToken(credential))).isTrue();
  }

  @Test
  void saveWhenClientAuthIsBasicThenIdAndSecretAreFormUrlencodedBeforeBase64AndNotInTheForm() {
    assertThat(provider.clientSecret()).contains(":", "+", "%");
    String authClient = fakeClient(provider, Map.of("client_auth", "basic"));
    String credential = authenticate(authClient, "basic auth");

    RecordedRequest token = trip.lastCodeExchange(provider);
    assertThat(token.params()).doesNotContainKey("client_secret");
    String header = token.authorization().orElseThrow();
    assertThat(header).startsWith("Basic ");
    String decoded =
        new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    String id = decoded.substring(0, colon);
    String secret = decoded.substring(colon + 1);
    // RFC 6749 §2.3.1: the secret's own ':' '+' '%' must arrive escaped, not raw.
    assertThat(secret).doesNotContain(":").doesNotContain(" ").startsWith("s3%3Acr%2Bet%2525");
    assertThat(URLDecoder.decode(id, StandardCharsets.UTF_8)).isEqualTo(provider.clientId());
    assertThat(URLDecoder.decode(secret, StandardCharsets.UTF_8))
        .isEqualTo(provider.clientSecret());
    assertThat(provider.isAccessTokenValid(bearerToken(credential))).isTrue();
  }

  // ---- PKCE and scopes in the authorize URL ----

  @Test
  void startWhenAuthClientTurnsPkceOffThenNoChallengeIsSentAndNoVerifierReachesTheTokenEndpoint() {
    try (FakeOAuthProvider lax =
        FakeOAuthProvider.start().requirePkce(false).clock(clock::instant)) {
      String authClient = fakeClient(lax, Map.of("pkce", false));
      Api.Response started = trip.start(authClient, Map.of(), Map.of());
      assertThat(started.status()).as(started.text()).isEqualTo(201);
      Map<String, String> params = authorizeParams(started);
      assertThat(params).doesNotContainKeys("code_challenge", "code_challenge_method");

      URI callback = follow(lax, started);
      assertThat(trip.callback(callback, true).status()).isEqualTo(200);
      Api.Response saved = trip.save("no pkce", authClient, Map.of("state", state(started)));
      assertThat(saved.status()).as(saved.text()).isEqualTo(201);
      assertThat(trip.lastCodeExchange(lax).params()).doesNotContainKey("code_verifier");
      assertThat(lax.isAccessTokenValid(bearerToken(saved.id()))).isTrue();
    }
  }

  @Test
  void startWhenAuthClientHasNoScopesThenTheComponentsDescriptorScopesAreAskedForAndStored() {
    String authClient = fakeClient(provider, scopedComponent, Map.of());
    Api.Response started = trip.start(authClient, Map.of(), Map.of());
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    assertThat(authorizeParams(started)).containsEntry("scope", "read:items write:items");

    trip.callback(follow(provider, started), true);
    Api.Response saved =
        trip.save("descriptor scopes", authClient, Map.of("state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    assertThat(saved.attributes().path("scope").asText()).isEqualTo("read:items write:items");
  }

  @Test
  void startWhenAuthClientSetsScopesThenTheyWinOverTheComponents() {
    String authClient =
        fakeClient(provider, scopedComponent, Map.of("scopes", List.of("admin:all")));
    Api.Response started = trip.start(authClient, Map.of(), Map.of());
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    assertThat(authorizeParams(started)).containsEntry("scope", "admin:all");

    trip.callback(follow(provider, started), true);
    Api.Response saved = trip.save("own scopes", authClient, Map.of("state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    assertThat(saved.attributes().path("scope").asText()).isEqualTo("admin:all");
  }

  // ---- where the credential gets saved ----

  @Test
  void callbackWhenAuthorizationNamedTheCredentialThenTheCallbackSavesIt() {
    String authClient = fakeClient(provider, Map.of());
    Api.Response started =
        trip.start(authClient, Map.of("credential_name", "saved at callback"), Map.of());
    assertThat(started.status()).as(started.text()).isEqualTo(201);

    Api.Response landed = trip.callback(follow(provider, started), true);
    assertThat(landed.status()).as(landed.text()).isEqualTo(200);
    assertThat(landed.header("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(landed.body().path("status").asText()).isEqualTo("ok");
    String credential = landed.body().path("credential").asText();
    assertThat(credential).isNotBlank();

    Api.Response read = leaks.seen(workspace.get(credential));
    assertThat(read.status()).as(read.text()).isEqualTo(200);
    assertThat(read.attributes().path("name").asText()).isEqualTo("saved at callback");
    assertThat(read.attributes().path("header").path("value").asText())
        .isEqualTo("Bearer ********");
    assertThat(provider.isAccessTokenValid(bearerToken(credential))).isTrue();
    assertThat(eventTypes(credential)).contains("credential.created");

    Api.Response again = trip.save("twice", authClient, Map.of("state", state(started)));
    assertThat(again.status()).as(again.text()).isEqualTo(422);
    assertThat(provider.codeReuseDetected()).isZero();
  }

  @Test
  void callbackWhenItSavesTheCredentialButTheProviderRefusesTheCodeThenThePageTellsTheOpener() {
    String authClient = fakeClient(provider, Map.of());
    Api.Response started =
        trip.start(authClient, Map.of("credential_name", "refused at callback"), Map.of());
    URI callback = follow(provider, started);
    provider.failNext(1, FakeOAuthProvider.TokenFailure.INVALID_GRANT);

    Api.Response page = trip.callback(callback, false);
    assertThat(page.status()).as(page.text()).isBetween(400, 599);
    assertThat(page.header("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertThat(page.text())
        .contains("window.opener", "postMessage(", "status: 'error'")
        .contains("invalid_grant");
    Api.Response list =
        leaks.seen(
            member.get(workspace.credentialsPath() + "?filter%5Bauth_client%5D=" + authClient));
    assertThat(list.data()).isEmpty();
  }

  @Test
  void callbackWhenItSavesTheCredentialButTheProviderRejectsTheClientThenJsonNamesTheAuthClient() {
    String authClient = fakeClient(provider, Map.of());
    Api.Response started =
        trip.start(authClient, Map.of("credential_name", "misconfigured"), Map.of());
    URI callback = follow(provider, started);
    provider.failNext(1, FakeOAuthProvider.TokenFailure.INVALID_CLIENT);

    Api.Response landed = trip.callback(callback, true);
    assertThat(landed.status()).as(landed.text()).isEqualTo(502);
    assertThat(landed.body().path("status").asText()).isEqualTo("error");
    assertThat(landed.body().path("detail").asText()).contains("auth-client " + authClient);
    assertThat(landed.body().path("credential").isNull()).isTrue();
  }

  @Test
  void updateWhenReauthenticatingACredentialThatNeedsItThenItKeepsItsIdAndItsTokensAreReplaced() {
    String authClient = fakeClient(provider, Map.of());
    String credential = authenticate(authClient, "to re-authenticate");
    CredentialSecrets.Tokens before = trip.storedTokens(credential);
    // The user withdrew consent at the provider: the next refresh finds the grant dead.
    provider.revokeToken(before.refreshToken().orElseThrow().reveal());
    leaks.seen(workspace.refresh(credential));
    Api.Response dead = leaks.seen(workspace.get(credential));
    assertThat(dead.attributes().path("state").asText()).isEqualTo("needs_reauth");

    Api.Response started =
        trip.start(
            authClient, Map.of(), Map.of("credential", Resource.rel("credential", credential)));
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    assertThat(trip.callback(follow(provider, started), true).status()).isEqualTo(200);
    ObjectNode patch =
        Resource.of("credential")
            .id(credential)
            .attribute("credentials", Map.of("state", state(started)))
            .build();
    Api.Response patched = leaks.seen(workspace.patch(credential, patch));
    assertThat(patched.status()).as(patched.text()).isEqualTo(200);
    assertThat(patched.id()).isEqualTo(credential);
    assertThat(patched.attributes().path("name").asText()).isEqualTo("to re-authenticate");
    assertThat(patched.attributes().path("state").asText()).isEqualTo("ready");
    assertThat(patched.attributes().path("error").isNull()).isTrue();

    CredentialSecrets.Tokens after = trip.storedTokens(credential);
    assertThat(after.accessToken().reveal()).isNotEqualTo(before.accessToken().reveal());
    assertThat(after.refreshToken().orElseThrow().reveal())
        .isNotEqualTo(before.refreshToken().orElseThrow().reveal());
    assertThat(bearerToken(credential)).isEqualTo(after.accessToken().reveal());
    assertThat(provider.isAccessTokenValid(after.accessToken().reveal())).isTrue();
    assertThat(provider.isRefreshTokenValid(after.refreshToken().orElseThrow().reveal())).isTrue();
    Api.Response list = leaks.seen(member.get(workspace.credentialsPath() + "?page%5Bsize%5D=500"));
    assertThat(list.data().findValuesAsText("id")).containsOnlyOnce(credential);
  }

  @Test
  void saveWhenTheCallbackNeverCameThenTheCodeAndStateInTheBodyAreRedeemed() {
    String authClient = fakeClient(provider, Map.of());
    Api.Response started = trip.start(authClient, Map.of(), Map.of());
    URI callback = follow(provider, started);
    String code = query(callback).get("code");

    Api.Response saved =
        trip.save("pasted code", authClient, Map.of("code", code, "state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    assertThat(trip.lastCodeExchange(provider).params()).containsEntry("code", code);
    assertThat(provider.isAccessTokenValid(bearerToken(saved.id()))).isTrue();

    Api.Response lateCallback = trip.callback(callback, true);
    assertThat(lateCallback.status()).as(lateCallback.text()).isEqualTo(400);
    assertThat(provider.codeReuseDetected()).isZero();
  }

  @Test
  void saveWhenTheProviderDeniedAtTheCallbackThen422SaysTheProviderRefused() {
    try (FakeOAuthProvider denying =
        FakeOAuthProvider.start().denyAuthorizations(true).clock(clock::instant)) {
      String authClient = fakeClient(denying, Map.of());
      Api.Response started = trip.start(authClient, Map.of(), Map.of());
      URI callback = follow(denying, started);
      assertThat(query(callback)).containsEntry("error", "access_denied");

      Api.Response landed = trip.callback(callback, true);
      assertThat(landed.status()).as(landed.text()).isBetween(400, 499);
      assertThat(landed.body().path("status").asText()).isEqualTo("error");
      assertThat(landed.body().path("detail").asText()).contains("access_denied");

      Api.Response saved = trip.save("denied", authClient, Map.of("state", state(started)));
      assertThat(saved.status()).as(saved.text()).isEqualTo(422);
      assertThat(saved.error().path("detail").asText())
          .contains("provider")
          .contains("access_denied");
      assertThat(saved.error().path("source").path("pointer").asText())
          .isEqualTo("/data/attributes/credentials/state");
      assertThat(denying.tokenRequestCount()).isZero();
    }
  }

  // ---- what is stored from the token response ----

  @Test
  void saveWhenTheTokenResponseHasExpiresInThenExpiresAtIsReceivedPlusExpiresIn() {
    String authClient = fakeClient(provider, Map.of("token_expires_in", 7200));
    String credential = authenticate(authClient, "expires in");
    Api.Response read = leaks.seen(workspace.get(credential));
    assertThat(Instant.parse(read.attributes().path("expires_at").asText()))
        .isEqualTo(clock.instant().plusSeconds(FakeOAuthProvider.DEFAULT_EXPIRES_IN));
  }

  @Test
  void saveWhenTheTokenResponseLacksExpiresInAndScopeThenTheAuthClientsLifetimeAppliesAndNoScope() {
    try (FakeOAuthProvider terse =
        FakeOAuthProvider.start()
            .advertiseExpiresIn(false)
            .echoScope(false)
            .clock(clock::instant)) {
      String authClient = fakeClient(terse, scopedComponent, Map.of("token_expires_in", 7200));
      Api.Response started = trip.start(authClient, Map.of(), Map.of());
      trip.callback(follow(terse, started), true);
      Api.Response saved = trip.save("terse", authClient, Map.of("state", state(started)));
      assertThat(saved.status()).as(saved.text()).isEqualTo(201);
      assertThat(Instant.parse(saved.attributes().path("expires_at").asText()))
          .isEqualTo(clock.instant().plusSeconds(7200));
      assertThat(saved.attributes().path("scope").isNull()).isTrue();
      assertThat(terse.isAccessTokenValid(bearerToken(saved.id()))).isTrue();
    }
  }

  // ---- helpers ----

  private String fakeClient(FakeOAuthProvider fake, Map<String, Object> extra) {
    return fakeClient(fake, t.component(), extra);
  }

  private String fakeClient(FakeOAuthProvider fake, String component, Map<String, Object> extra) {
    return AuthClients.oauth2()
        .at(fake)
        .credentials(extra)
        .tenant(t.tenant())
        .components(component)
        .create(server.admin());
  }

  /** A whole round trip at {@link #provider} ending in a saved credential; returns its id. */
  private String authenticate(String authClient, String name) {
    Api.Response started = trip.start(authClient, Map.of(), Map.of());
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    Api.Response landed = trip.callback(follow(provider, started), true);
    assertThat(landed.status()).as(landed.text()).isEqualTo(200);
    Api.Response saved = trip.save(name, authClient, Map.of("state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    return saved.id();
  }

  private URI follow(FakeOAuthProvider fake, Api.Response started) {
    URI callback = fake.followAuthorization(URI.create(authorizeUrl(started)));
    String code = query(callback).get("code");
    if (code != null) {
      leaks.secret(code);
    }
    return callback;
  }

  /**
   * The real header value from the audited release (not recorded: it is the one place it shows).
   */
  private String accessHeader(String credential) {
    Api.Response access = workspace.access(credential);
    assertThat(access.status()).as(access.text()).isEqualTo(200);
    return access.attributes().path("header").path("value").asText();
  }

  private String bearerToken(String credential) {
    String header = accessHeader(credential);
    assertThat(header).startsWith("Bearer ");
    return header.substring("Bearer ".length());
  }

  private List<String> eventTypes(String credential) {
    Api.Response events = leaks.seen(workspace.events(credential));
    assertThat(events.status()).as(events.text()).isEqualTo(200);
    List<String> types = new ArrayList<>();
    events.data().forEach(e -> types.add(e.path("attributes").path("type").asText()));
    return types;
  }
}
