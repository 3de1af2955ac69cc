package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.credential.CredentialSecrets;
import io.credflow.tenancy.Caller;
import io.credflow.testing.Api;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import io.credflow.testing.oauth.FakeInstagram;
import io.credflow.testing.oauth.FakeInstagram.Endpoint;
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
 * The Authenticate round trip of {@code oauth2_instagram} (docs/tokens.md § Instagram) against
 * {@link FakeInstagram}: comma-joined scopes, the {@code #_} on codes, and one save that turns the
 * code into a short-lived token and that at once into the long-lived token, the only one stored.
 */
class InstagramFlowTest {
  private static SettableClock clock;
  private static TestServer server;
  private static FakeInstagram instagram;
  private static World world;
  private static World.Tenancy t;
  private static Api member;
  private static String authClient;

  private final List<String> received = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> secrets = Collections.synchronizedSet(new LinkedHashSet<>());

  @BeforeAll
  static void start() {
    clock = new SettableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    server = TestServer.start(false, clock);
    instagram = FakeInstagram.start(clock::instant);
    world = new World(server);
    t = world.tenancy("instagram");
    member = server.as(t.memberKey());
    String component = world.instagramComponent(t.tenant());
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("client_id", instagram.clientId());
    settings.put("client_secret", instagram.clientSecret());
    settings.put("auth_uri", instagram.authorizeUri().toString());
    settings.put("token_uri", instagram.tokenUri().toString());
    settings.put("exchange_uri", instagram.exchangeUri().toString());
    settings.put("refresh_uri", instagram.refreshUri().toString());
    authClient =
        world.authClient(server.admin(), t.tenant(), component, "oauth2_instagram", settings);
  }

  @AfterAll
  static void stop() {
    instagram.close();
    server.close();
  }

  @BeforeEach
  void knownSecrets() {
    secrets.add(FakeInstagram.DEFAULT_CLIENT_SECRET);
  }

  @AfterEach
  void noResponseCarriedASecretNorAShortLivedToken() {
    secrets.addAll(instagram.shortLivedTokens());
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
    assertThat(instagram.shortLivedTokenMisuses()).isZero();
  }

  @Test
  void startWhenInstagramThenTheAuthorizeUrlCarriesTheComponentsScopesCommaJoined() {
    Api.Response started = startAuthorization();
    URI url = URI.create(started.attributes().path("authorize_url").asText());
    assertThat(url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath())
        .isEqualTo(instagram.authorizeUri().toString());
    assertThat(query(url))
        .containsEntry("client_id", instagram.clientId())
        .containsEntry("redirect_uri", redirectUri())
        .containsEntry("scope", "user_profile,user_media")
        .containsEntry("response_type", "code")
        .containsEntry("state", state(started));
    assertThat(Instant.parse(started.attributes().path("expires_at").asText()))
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
  }

  @Test
  void saveWhenTheCallbacksCodeEndsInHashUnderscoreThenOneSaveStoresOnlyTheLongLivedToken() {
    int tokenCalls = instagram.requestCount(Endpoint.TOKEN);
    int exchanges = instagram.requestCount(Endpoint.EXCHANGE);
    Api.Response started = startAuthorization();
    URI location = instagram.followAuthorization(URI.create(authorizeUrl(started)));
    assertThat(location.getRawFragment()).isEqualTo("_");
    String code = query(location).get("code");
    secrets.add(code);

    // A code pasted with its "#_", as a person copying it from the address bar would.
    Api.Response landed =
        seen(
            member.send(
                HttpRequest.newBuilder(
                        callback(Map.of("code", code + "#_", "state", state(started))))
                    .header("Accept", "application/json")
                    .GET()));
    assertThat(landed.status()).as(landed.text()).isEqualTo(200);

    Api.Response saved = save("instagram", Map.of("state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    assertThat(saved.attributes().path("type").asText()).isEqualTo("oauth2_instagram");
    assertThat(saved.attributes().path("query").path("name").asText()).isEqualTo("access_token");
    assertThat(saved.attributes().path("query").path("value").asText()).isEqualTo("********");

    assertThat(instagram.requestCount(Endpoint.TOKEN)).isEqualTo(tokenCalls + 1);
    assertThat(instagram.requestCount(Endpoint.EXCHANGE)).isEqualTo(exchanges + 1);
    assertThat(instagram.codesWithFragmentPresented()).isZero();
    assertThat(last(Endpoint.TOKEN).params()).containsEntry("code", code);
    assertThat(last(Endpoint.EXCHANGE).params())
        .containsEntry("grant_type", "ig_exchange_token")
        .containsEntry("access_token", instagram.shortLivedTokens().getLast());

    String longLived = accessQueryValue(saved.id());
    assertThat(instagram.isLongLivedTokenValid(longLived)).isTrue();
    assertThat(instagram.shortLivedTokens()).doesNotContain(longLived);
    assertThat(storedTokens(saved.id()).accessToken().reveal()).isEqualTo(longLived);
    Api.Response me =
        member.send(
            HttpRequest.newBuilder(
                    URI.create(
                        instagram.meUri()
                            + "?access_token="
                            + URLEncoder.encode(longLived, StandardCharsets.UTF_8)))
                .GET());
    assertThat(me.status()).as(me.text()).isEqualTo(200);

    Instant expiresAt = Instant.parse(saved.attributes().path("expires_at").asText());
    assertThat(expiresAt)
        .isEqualTo(clock.instant().plusSeconds(FakeInstagram.LONG_LIVED_EXPIRES_IN));
    assertThat(Duration.between(clock.instant(), expiresAt))
        .isBetween(Duration.ofDays(59), Duration.ofDays(61));
  }

  @Test
  void saveWhenTheBodysCodeEndsInHashUnderscoreThenItIsStrippedBeforeTheExchange() {
    Api.Response started = startAuthorization();
    instagram.followAuthorization(URI.create(authorizeUrl(started)));
    String pasted = instagram.lastIssuedCode().orElseThrow();
    assertThat(pasted).endsWith("#_");
    String code = pasted.substring(0, pasted.length() - 2);
    secrets.add(code);

    Api.Response saved = save("pasted", Map.of("code", pasted, "state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    assertThat(instagram.codesWithFragmentPresented()).isZero();
    assertThat(last(Endpoint.TOKEN).params()).containsEntry("code", code);

    String longLived = accessQueryValue(saved.id());
    assertThat(instagram.isLongLivedTokenValid(longLived)).isTrue();
    assertThat(instagram.shortLivedTokens()).doesNotContain(longLived);
    Api.Response read =
        seen(member.get("/v2/workspaces/" + t.workspace() + "/credentials/" + saved.id()));
    assertThat(read.attributes().path("query").path("value").asText()).isEqualTo("********");
  }

  // ---- helpers ----

  private Api.Response startAuthorization() {
    Api.Response started =
        seen(
            member.post(
                "/v2/workspaces/" + t.workspace() + "/authorizations",
                World.doc(
                    "authorization",
                    Map.of(),
                    Map.of("auth_client", World.rel("auth-client", authClient)))));
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    return started;
  }

  private Api.Response save(String name, Map<String, String> body) {
    Api.Response saved =
        seen(
            member.post(
                "/v2/workspaces/" + t.workspace() + "/credentials",
                World.credentialDoc(name, authClient, body)));
    if (saved.status() == 201) {
      storedTokens(saved.id());
    }
    return saved;
  }

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

  /** The audited release: the token as a query parameter (not recorded: it is where it shows). */
  private String accessQueryValue(String credential) {
    Api.Response access =
        member.post(
            "/v2/workspaces/" + t.workspace() + "/credentials/" + credential + "/access", "");
    assertThat(access.status()).as(access.text()).isEqualTo(200);
    JsonNode attrs = access.attributes();
    assertThat(attrs.path("header").isNull()).isTrue();
    assertThat(attrs.path("query").path("name").asText()).isEqualTo("access_token");
    return attrs.path("query").path("value").asText();
  }

  private RecordedRequest last(Endpoint endpoint) {
    List<RecordedRequest> requests = instagram.requests(endpoint);
    assertThat(requests).isNotEmpty();
    return requests.getLast();
  }

  private Api.Response seen(Api.Response r) {
    received.add(r.text() + "\n" + r.raw().headers().map());
    return r;
  }

  private static URI callback(Map<String, String> params) {
    StringBuilder q = new StringBuilder();
    params.forEach(
        (k, v) ->
            q.append(q.isEmpty() ? "?" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return URI.create(redirectUri() + q);
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
