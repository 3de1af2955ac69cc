package io.credflow.oauth;

import static io.credflow.testing.oauth.Authorizations.authorizeUrl;
import static io.credflow.testing.oauth.Authorizations.query;
import static io.credflow.testing.oauth.Authorizations.state;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.World;
import io.credflow.testing.oauth.Authorizations;
import io.credflow.testing.oauth.FakeInstagram;
import io.credflow.testing.oauth.FakeInstagram.Endpoint;
import io.credflow.testing.oauth.LeakCheck;
import io.credflow.testing.oauth.RecordedRequest;
import io.credflow.testing.oauth.RoundTrip;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Authenticate round trip of {@code oauth2_instagram} (docs/tokens.md § Instagram) against
 * {@link FakeInstagram}: comma-joined scopes, the {@code #_} on codes, and one save that turns the
 * code into a short-lived token and that at once into the long-lived token, the only one stored.
 */
class InstagramFlowTest {
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().manualTime().fakeInstagram().tenancy("instagram");

  private static String authClient;

  private final SettableClock clock = credflow.clock();
  private final TestServer server = credflow.server();
  private final FakeInstagram instagram = credflow.instagram();
  private final World.Tenancy t = credflow.tenancy();
  private final WorkspaceApi workspace = credflow.member();
  private final Api member = workspace.api();

  @RegisterExtension final LeakCheck leaks = new LeakCheck(FakeInstagram.DEFAULT_CLIENT_SECRET);

  /** Start, callback and save as the member; the saved tokens become secrets of the check. */
  private final RoundTrip trip = RoundTrip.of(server, t, leaks);

  @BeforeAll
  static void authClient() {
    authClient = credflow.instagramClient(credflow.instagram());
  }

  /** Runs before the leak check: the short-lived tokens are secrets too, and never misused. */
  @AfterEach
  void noShortLivedTokenMisused() {
    leaks.secrets(instagram.shortLivedTokens());
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
        .containsEntry("redirect_uri", server.callbackUri())
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
    leaks.secret(code);

    // A code pasted with its "#_", as a person copying it from the address bar would.
    Api.Response landed =
        leaks.seen(
            member.send(
                HttpRequest.newBuilder(
                        callback(Map.of("code", code + "#_", "state", state(started))))
                    .header("Accept", "application/json")
                    .GET()));
    assertThat(landed.status()).as(landed.text()).isEqualTo(200);

    Api.Response saved = trip.save("instagram", authClient, Map.of("state", state(started)));
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
    assertThat(trip.storedTokens(saved.id()).accessToken().reveal()).isEqualTo(longLived);
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
    leaks.secret(code);

    Api.Response saved =
        trip.save("pasted", authClient, Map.of("code", pasted, "state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    assertThat(instagram.codesWithFragmentPresented()).isZero();
    assertThat(last(Endpoint.TOKEN).params()).containsEntry("code", code);

    String longLived = accessQueryValue(saved.id());
    assertThat(instagram.isLongLivedTokenValid(longLived)).isTrue();
    assertThat(instagram.shortLivedTokens()).doesNotContain(longLived);
    Api.Response read = leaks.seen(workspace.get(saved.id()));
    assertThat(read.attributes().path("query").path("value").asText()).isEqualTo("********");
  }

  // ---- helpers ----

  private Api.Response startAuthorization() {
    Api.Response started = trip.start(authClient, Map.of(), Map.of());
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    return started;
  }

  /** The audited release: the token as a query parameter (not recorded: it is where it shows). */
  private String accessQueryValue(String credential) {
    Api.Response access = workspace.access(credential);
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

  private URI callback(Map<String, String> params) {
    return Authorizations.withQuery(server.callbackUri(), params);
  }
}
