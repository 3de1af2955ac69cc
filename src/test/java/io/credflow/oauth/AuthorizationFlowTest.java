package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.credential.CredentialSecrets;
import io.credflow.tenancy.Caller;
import io.credflow.testing.Api;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.oauth.MockOAuth2Provider;
import io.credflow.testing.oauth.RecordedRequest;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Authenticate round trip over HTTP against real servers (docs/api.md § OAuth2 authorization,
 * docs/tokens.md § Authorization code flow): start, the browser at the provider, the callback, and
 * the save that redeems the code. The server's clock stands still (whole seconds), so expiry times
 * are exact.
 */
class AuthorizationFlowTest {
  private static final Duration ROUND_TRIP = Duration.ofMinutes(10);

  private static SettableClock clock;
  private static TestServer server;
  private static FakeOAuthProvider provider;
  private static MockOAuth2Provider mock;
  private static World world;
  private static World.Tenancy t;
  private static Api member;
  private static String scopedComponent;

  /** Every response received in the current test (but the audited {@code …/access} release). */
  private final List<String> received = Collections.synchronizedList(new ArrayList<>());

  /** Every secret seen in the current test: none may appear in {@link #received}. */
  private final Set<String> secrets = Collections.synchronizedSet(new LinkedHashSet<>());

  @BeforeAll
  static void start() {
    clock = new SettableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    server = TestServer.start(false, clock);
    provider = FakeOAuthProvider.start().clock(clock::instant);
    mock = MockOAuth2Provider.start();
    world = new World(server);
    t = world.tenancy("authflow");
    member = server.as(t.memberKey());
    scopedComponent =
        component(List.of("oauth2"), List.of("read:items", "write:items"), "Scoped API");
  }

  @AfterAll
  static void stop() {
    mock.close();
    provider.close();
    server.close();
  }

  @BeforeEach
  void knownSecrets() {
    secrets.add(FakeOAuthProvider.DEFAULT_CLIENT_SECRET);
    secrets.add(URLEncoder.encode(FakeOAuthProvider.DEFAULT_CLIENT_SECRET, StandardCharsets.UTF_8));
  }

  @AfterEach
  void noResponseCarriedASecret() {
    List<String> texts;
    synchronized (received) {
      texts = List.copyOf(received);
    }
    assertThat(texts).isNotEmpty();
    for (String secret : Set.copyOf(secrets)) {
      assertThat(secret).isNotBlank();
      for (String text : texts) {
        assertThat(text).as("a response carried a secret").doesNotContain(secret);
      }
    }
  }

  // ---- the real third-party server ----

  @Test
  void authenticateWhenMockOAuth2ServerIsTheProviderThenTheStoredBearerTokenWorksThere()
      throws Exception {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("client_id", "credflow-at-mock");
    settings.put("client_secret", "mock-client-secret-0123456789");
    settings.put("auth_uri", mock.authorizeUri().toString());
    settings.put("token_uri", mock.tokenUri().toString());
    settings.put("scopes", List.of("openid", "profile"));
    settings.put(
        "extra_auth_params", Map.of("access_type", "offline", "include_granted_scopes", "true"));
    secrets.add("mock-client-secret-0123456789");
    String authClient =
        world.authClient(server.admin(), t.tenant(), t.component(), "oauth2", settings);

    Api.Response started = startAuthorization(authClient, Map.of(), Map.of());
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    assertThat(started.header("Cache-Control")).contains("no-store");
    String state = started.attributes().path("state").asText();
    assertThat(Instant.parse(started.attributes().path("expires_at").asText()))
        .isEqualTo(clock.instant().plus(ROUND_TRIP));
    assertThat(started.attributes().path("redirect_uri").asText()).isEqualTo(redirectUri());
    URI authorizeUrl = URI.create(started.attributes().path("authorize_url").asText());
    assertThat(withoutQuery(authorizeUrl)).isEqualTo(mock.authorizeUri().toString());
    Map<String, String> params = query(authorizeUrl);
    assertThat(params)
        .containsEntry("response_type", "code")
        .containsEntry("client_id", "credflow-at-mock")
        .containsEntry("redirect_uri", redirectUri())
        .containsEntry("scope", "openid profile")
        .containsEntry("state", state)
        .containsEntry("code_challenge_method", "S256")
        .containsEntry("include_granted_scopes", "true")
        .containsEntry("access_type", "offline");
    assertThat(params.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");

    mock.enqueueLogin("alice-at-mock", Map.of(), Duration.ofHours(1));
    URI callback = mock.followAuthorization(authorizeUrl);
    assertThat(withoutQuery(callback)).isEqualTo(redirectUri());
    Map<String, String> landedWith = query(callback);
    assertThat(landedWith).containsEntry("state", state).containsKey("code");
    secrets.add(landedWith.get("code"));

    Api.Response page = seen(member.send(HttpRequest.newBuilder(callback).GET()));
    assertThat(page.status()).as(page.text()).isEqualTo(200);
    assertThat(page.header("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertThat(page.header("Cache-Control")).contains("no-store");
    assertThat(page.text())
        .startsWith("<!doctype html>")
        .contains("window.opener", "postMessage(")
        .doesNotContain(state)
        .doesNotContain(landedWith.get("code"));

    Api.Response saved = save("at mock", authClient, Map.of("state", state));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    assertThat(saved.attributes().path("header").path("name").asText()).isEqualTo("Authorization");
    assertThat(saved.attributes().path("header").path("value").asText())
        .isEqualTo("Bearer ********");
    assertThat(saved.attributes().path("has_refresh_token").asBoolean()).isTrue();
    assertThat(saved.attributes().path("state").asText()).isEqualTo("ready");
    Api.Response read = seen(member.get(credentialPath(saved.id())));
    assertThat(read.attributes().path("header").path("value").asText())
        .isEqualTo("Bearer ********");
    CredentialSecrets.Tokens tokens = storedTokens(saved.id());

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

    RecordedRequest token = lastCodeExchange(provider);
    assertThat(token.authorization()).isEmpty();
    assertThat(token.params())
        .containsEntry("client_id", provider.clientId())
        .containsEntry("client_secret", provider.clientSecret())
        .containsEntry("grant_type", "authorization_code")
        .containsEntry("redirect_uri", redirectUri());
    assertThat(provider.isAccessTokenValid(bearerToken(credential))).isTrue();
  }

  @Test
  void saveWhenClientAuthIsBasicThenIdAndSecretAreFormUrlencodedBeforeBase64AndNotInTheForm() {
    assertThat(provider.clientSecret()).contains(":", "+", "%");
    String authClient = fakeClient(provider, Map.of("client_auth", "basic"));
    String credential = authenticate(authClient, "basic auth");

    RecordedRequest token = lastCodeExchange(provider);
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
      Api.Response started = startAuthorization(authClient, Map.of(), Map.of());
      assertThat(started.status()).as(started.text()).isEqualTo(201);
      Map<String, String> params = authorizeParams(started);
      assertThat(params).doesNotContainKeys("code_challenge", "code_challenge_method");

      URI callback = follow(lax, started);
      assertThat(callback(callback, true).status()).isEqualTo(200);
      Api.Response saved = save("no pkce", authClient, Map.of("state", state(started)));
      assertThat(saved.status()).as(saved.text()).isEqualTo(201);
      assertThat(lastCodeExchange(lax).params()).doesNotContainKey("code_verifier");
      assertThat(lax.isAccessTokenValid(bearerToken(saved.id()))).isTrue();
    }
  }

  @Test
  void startWhenAuthClientHasNoScopesThenTheComponentsDescriptorScopesAreAskedForAndStored() {
    String authClient = fakeClient(provider, scopedComponent, Map.of());
    Api.Response started = startAuthorization(authClient, Map.of(), Map.of());
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    assertThat(authorizeParams(started)).containsEntry("scope", "read:items write:items");

    callback(follow(provider, started), true);
    Api.Response saved = save("descriptor scopes", authClient, Map.of("state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    assertThat(saved.attributes().path("scope").asText()).isEqualTo("read:items write:items");
  }

  @Test
  void startWhenAuthClientSetsScopesThenTheyWinOverTheComponents() {
    String authClient =
        fakeClient(provider, scopedComponent, Map.of("scopes", List.of("admin:all")));
    Api.Response started = startAuthorization(authClient, Map.of(), Map.of());
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    assertThat(authorizeParams(started)).containsEntry("scope", "admin:all");

    callback(follow(provider, started), true);
    Api.Response saved = save("own scopes", authClient, Map.of("state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    assertThat(saved.attributes().path("scope").asText()).isEqualTo("admin:all");
  }

  // ---- where the credential gets saved ----

  @Test
  void callbackWhenAuthorizationNamedTheCredentialThenTheCallbackSavesIt() {
    String authClient = fakeClient(provider, Map.of());
    Api.Response started =
        startAuthorization(authClient, Map.of("credential_name", "saved at callback"), Map.of());
    assertThat(started.status()).as(started.text()).isEqualTo(201);

    Api.Response landed = callback(follow(provider, started), true);
    assertThat(landed.status()).as(landed.text()).isEqualTo(200);
    assertThat(landed.header("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(landed.body().path("status").asText()).isEqualTo("ok");
    String credential = landed.body().path("credential").asText();
    assertThat(credential).isNotBlank();

    Api.Response read = seen(member.get(credentialPath(credential)));
    assertThat(read.status()).as(read.text()).isEqualTo(200);
    assertThat(read.attributes().path("name").asText()).isEqualTo("saved at callback");
    assertThat(read.attributes().path("header").path("value").asText())
        .isEqualTo("Bearer ********");
    assertThat(provider.isAccessTokenValid(bearerToken(credential))).isTrue();
    assertThat(eventTypes(credential)).contains("credential.created");

    Api.Response again = save("twice", authClient, Map.of("state", state(started)));
    assertThat(again.status()).as(again.text()).isEqualTo(422);
    assertThat(provider.codeReuseDetected()).isZero();
  }

  @Test
  void callbackWhenItSavesTheCredentialButTheProviderRefusesTheCodeThenThePageTellsTheOpener() {
    String authClient = fakeClient(provider, Map.of());
    Api.Response started =
        startAuthorization(authClient, Map.of("credential_name", "refused at callback"), Map.of());
    URI callback = follow(provider, started);
    provider.failNext(1, FakeOAuthProvider.TokenFailure.INVALID_GRANT);

    Api.Response page = callback(callback, false);
    assertThat(page.status()).as(page.text()).isBetween(400, 599);
    assertThat(page.header("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertThat(page.text())
        .contains("window.opener", "postMessage(", "status: 'error'")
        .contains("invalid_grant");
    Api.Response list =
        seen(
            member.get(
                "/v2/workspaces/"
                    + t.workspace()
                    + "/credentials?filter%5Bauth_client%5D="
                    + authClient));
    assertThat(list.data()).isEmpty();
  }

  @Test
  void callbackWhenItSavesTheCredentialButTheProviderRejectsTheClientThenJsonNamesTheAuthClient() {
    String authClient = fakeClient(provider, Map.of());
    Api.Response started =
        startAuthorization(authClient, Map.of("credential_name", "misconfigured"), Map.of());
    URI callback = follow(provider, started);
    provider.failNext(1, FakeOAuthProvider.TokenFailure.INVALID_CLIENT);

    Api.Response landed = callback(callback, true);
    assertThat(landed.status()).as(landed.text()).isEqualTo(502);
    assertThat(landed.body().path("status").asText()).isEqualTo("error");
    assertThat(landed.body().path("detail").asText()).contains("auth-client " + authClient);
    assertThat(landed.body().path("credential").isNull()).isTrue();
  }

  @Test
  void updateWhenReauthenticatingACredentialThatNeedsItThenItKeepsItsIdAndItsTokensAreReplaced() {
    String authClient = fakeClient(provider, Map.of());
    String credential = authenticate(authClient, "to re-authenticate");
    CredentialSecrets.Tokens before = storedTokens(credential);
    // The user withdrew consent at the provider: the next refresh finds the grant dead.
    provider.revokeToken(before.refreshToken().orElseThrow().reveal());
    seen(member.post(credentialPath(credential) + "/refresh", ""));
    Api.Response dead = seen(member.get(credentialPath(credential)));
    assertThat(dead.attributes().path("state").asText()).isEqualTo("needs_reauth");

    Api.Response started =
        startAuthorization(
            authClient, Map.of(), Map.of("credential", World.rel("credential", credential)));
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    assertThat(callback(follow(provider, started), true).status()).isEqualTo(200);
    ObjectNode patch =
        World.doc("credential", Map.of("credentials", Map.of("state", state(started))), Map.of());
    ((ObjectNode) patch.path("data")).put("id", credential);
    Api.Response patched = seen(member.patch(credentialPath(credential), patch));
    assertThat(patched.status()).as(patched.text()).isEqualTo(200);
    assertThat(patched.id()).isEqualTo(credential);
    assertThat(patched.attributes().path("name").asText()).isEqualTo("to re-authenticate");
    assertThat(patched.attributes().path("state").asText()).isEqualTo("ready");
    assertThat(patched.attributes().path("error").isNull()).isTrue();

    CredentialSecrets.Tokens after = storedTokens(credential);
    assertThat(after.accessToken().reveal()).isNotEqualTo(before.accessToken().reveal());
    assertThat(after.refreshToken().orElseThrow().reveal())
        .isNotEqualTo(before.refreshToken().orElseThrow().reveal());
    assertThat(bearerToken(credential)).isEqualTo(after.accessToken().reveal());
    assertThat(provider.isAccessTokenValid(after.accessToken().reveal())).isTrue();
    assertThat(provider.isRefreshTokenValid(after.refreshToken().orElseThrow().reveal())).isTrue();
    Api.Response list =
        seen(member.get("/v2/workspaces/" + t.workspace() + "/credentials?page%5Bsize%5D=500"));
    assertThat(list.data().findValuesAsText("id")).containsOnlyOnce(credential);
  }

  @Test
  void saveWhenTheCallbackNeverCameThenTheCodeAndStateInTheBodyAreRedeemed() {
    String authClient = fakeClient(provider, Map.of());
    Api.Response started = startAuthorization(authClient, Map.of(), Map.of());
    URI callback = follow(provider, started);
    String code = query(callback).get("code");

    Api.Response saved =
        save("pasted code", authClient, Map.of("code", code, "state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    assertThat(lastCodeExchange(provider).params()).containsEntry("code", code);
    assertThat(provider.isAccessTokenValid(bearerToken(saved.id()))).isTrue();

    Api.Response lateCallback = callback(callback, true);
    assertThat(lateCallback.status()).as(lateCallback.text()).isEqualTo(400);
    assertThat(provider.codeReuseDetected()).isZero();
  }

  @Test
  void saveWhenTheProviderDeniedAtTheCallbackThen422SaysTheProviderRefused() {
    try (FakeOAuthProvider denying =
        FakeOAuthProvider.start().denyAuthorizations(true).clock(clock::instant)) {
      String authClient = fakeClient(denying, Map.of());
      Api.Response started = startAuthorization(authClient, Map.of(), Map.of());
      URI callback = follow(denying, started);
      assertThat(query(callback)).containsEntry("error", "access_denied");

      Api.Response landed = callback(callback, true);
      assertThat(landed.status()).as(landed.text()).isBetween(400, 499);
      assertThat(landed.body().path("status").asText()).isEqualTo("error");
      assertThat(landed.body().path("detail").asText()).contains("access_denied");

      Api.Response saved = save("denied", authClient, Map.of("state", state(started)));
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
    Api.Response read = seen(member.get(credentialPath(credential)));
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
      Api.Response started = startAuthorization(authClient, Map.of(), Map.of());
      callback(follow(terse, started), true);
      Api.Response saved = save("terse", authClient, Map.of("state", state(started)));
      assertThat(saved.status()).as(saved.text()).isEqualTo(201);
      assertThat(Instant.parse(saved.attributes().path("expires_at").asText()))
          .isEqualTo(clock.instant().plusSeconds(7200));
      assertThat(saved.attributes().path("scope").isNull()).isTrue();
      assertThat(terse.isAccessTokenValid(bearerToken(saved.id()))).isTrue();
    }
  }

  // ---- helpers ----

  /** A component of the tenant with OAuthFieldView and these scopes. */
  private static String component(List<String> types, List<String> scopes, String title) {
    Map<String, Object> descriptor =
        Map.of(
            "title",
            title,
            "authClientTypes",
            types,
            "credentials",
            Map.of(
                "fields",
                Map.of("auth", Map.of("required", true, "viewClass", "OAuthFieldView")),
                "oauth2",
                Map.of("scopes", scopes)));
    return World.created(
        server
            .admin()
            .post(
                "/v2/components",
                World.doc(
                    "component",
                    Map.of("name", title, "descriptor", descriptor),
                    Map.of("tenant", World.rel("tenant", t.tenant())))));
  }

  private static String fakeClient(FakeOAuthProvider fake, Map<String, Object> extra) {
    return fakeClient(fake, t.component(), extra);
  }

  private static String fakeClient(
      FakeOAuthProvider fake, String component, Map<String, Object> extra) {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("client_id", fake.clientId());
    settings.put("client_secret", fake.clientSecret());
    settings.put("auth_uri", fake.authorizeUri().toString());
    settings.put("token_uri", fake.tokenUri().toString());
    settings.putAll(extra);
    return world.authClient(server.admin(), t.tenant(), component, "oauth2", settings);
  }

  /** A whole round trip at {@link #provider} ending in a saved credential; returns its id. */
  private String authenticate(String authClient, String name) {
    Api.Response started = startAuthorization(authClient, Map.of(), Map.of());
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    Api.Response landed = callback(follow(provider, started), true);
    assertThat(landed.status()).as(landed.text()).isEqualTo(200);
    Api.Response saved = save(name, authClient, Map.of("state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    return saved.id();
  }

  private Api.Response startAuthorization(
      String authClient, Map<String, Object> attributes, Map<String, JsonNode> relationships) {
    Map<String, JsonNode> rels = new LinkedHashMap<>(relationships);
    rels.put("auth_client", World.rel("auth-client", authClient));
    return seen(
        member.post(
            "/v2/workspaces/" + t.workspace() + "/authorizations",
            World.doc("authorization", attributes, rels)));
  }

  private URI follow(FakeOAuthProvider fake, Api.Response started) {
    URI callback = fake.followAuthorization(URI.create(authorizeUrl(started)));
    String code = query(callback).get("code");
    if (code != null) {
      secrets.add(code);
    }
    return callback;
  }

  /** The browser (no Credflow credentials) landing on the callback. */
  private Api.Response callback(URI callback, boolean json) {
    HttpRequest.Builder request = HttpRequest.newBuilder(callback).GET();
    if (json) {
      request.header("Accept", "application/json");
    }
    return seen(member.send(request));
  }

  private Api.Response save(String name, String authClient, Map<String, String> credentials) {
    Api.Response saved =
        seen(
            member.post(
                "/v2/workspaces/" + t.workspace() + "/credentials",
                World.credentialDoc(name, authClient, credentials)));
    if (saved.status() == 201) {
      storedTokens(saved.id());
    }
    return saved;
  }

  /** The tokens as stored (read in-process), remembered as secrets that no response may carry. */
  private CredentialSecrets.Tokens storedTokens(String credential) {
    var services = server.credflow().services();
    Caller caller = services.tenancy().callerFor(t.memberId()).orElseThrow();
    CredentialSecrets.Tokens tokens =
        (CredentialSecrets.Tokens)
            services.credentials().get(caller, t.workspace(), credential).credential().secrets();
    secrets.add(tokens.accessToken().reveal());
    tokens.refreshToken().ifPresent(r -> secrets.add(r.reveal()));
    return tokens;
  }

  /**
   * The real header value from the audited release (not recorded: it is the one place it shows).
   */
  private String accessHeader(String credential) {
    Api.Response access = member.post(credentialPath(credential) + "/access", "");
    assertThat(access.status()).as(access.text()).isEqualTo(200);
    return access.attributes().path("header").path("value").asText();
  }

  private String bearerToken(String credential) {
    String header = accessHeader(credential);
    assertThat(header).startsWith("Bearer ");
    return header.substring("Bearer ".length());
  }

  private List<String> eventTypes(String credential) {
    Api.Response events =
        seen(
            member.get(
                "/v2/workspaces/"
                    + t.workspace()
                    + "/events?filter%5Bcredential%5D="
                    + credential));
    assertThat(events.status()).as(events.text()).isEqualTo(200);
    List<String> types = new ArrayList<>();
    events.data().forEach(e -> types.add(e.path("attributes").path("type").asText()));
    return types;
  }

  private RecordedRequest lastCodeExchange(FakeOAuthProvider fake) {
    List<RecordedRequest> exchanges =
        fake.tokenRequests().stream()
            .filter(r -> r.grantType().equals("authorization_code"))
            .toList();
    assertThat(exchanges).isNotEmpty();
    RecordedRequest last = exchanges.get(exchanges.size() - 1);
    last.param("code_verifier").ifPresent(secrets::add);
    return last;
  }

  private Api.Response seen(Api.Response r) {
    received.add(r.text() + "\n" + r.raw().headers().map());
    return r;
  }

  private static String credentialPath(String credential) {
    return "/v2/workspaces/" + t.workspace() + "/credentials/" + credential;
  }

  private static String redirectUri() {
    return "http://localhost:" + server.credflow().port() + "/callback/oauth2";
  }

  private static String state(Api.Response started) {
    return started.attributes().path("state").asText();
  }

  private static String authorizeUrl(Api.Response started) {
    return started.attributes().path("authorize_url").asText();
  }

  private static Map<String, String> authorizeParams(Api.Response started) {
    return query(URI.create(authorizeUrl(started)));
  }

  private static String withoutQuery(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
  }

  /** Decoded query parameters; a parameter given twice fails the test. */
  private static Map<String, String> query(URI uri) {
    Map<String, String> params = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      assertThat(params.put(name, value)).as("parameter %s given twice in %s", name, uri).isNull();
    }
    return params;
  }
}
