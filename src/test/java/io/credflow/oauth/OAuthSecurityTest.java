package io.credflow.oauth;

import static io.credflow.testing.oauth.Authorizations.authorizeUrl;
import static io.credflow.testing.oauth.Authorizations.query;
import static io.credflow.testing.oauth.Authorizations.state;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.common.Secret;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Resource;
import io.credflow.testing.oauth.Authorizations;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.oauth.FakeOAuthProvider.TokenFailure;
import io.credflow.testing.oauth.LeakCheck;
import io.credflow.testing.oauth.RecordedRequest;
import io.credflow.testing.oauth.RoundTrip;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * docs/security.md 8–12 over HTTP: state, PKCE, client authentication, single redemption of a code
 * and the mapping of token-endpoint errors, plus a grep of every response for the secrets involved.
 */
class OAuthSecurityTest {
  private static final String STATE_POINTER = "/data/attributes/credentials/state";

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().manualTime().fakeOAuthProvider().tenancy("oauthsec");

  /** The server, a tenancy and an auth-client at the provider: H2 here, PostgreSQL in one test. */
  private record Env(TestServer server, World.Tenancy t, Api member, String authClient) {
    String ws() {
      return t.workspace();
    }
  }

  private static Env h2;
  private static String otherWorkspace;
  private static Api bob;

  private final SettableClock clock = credflow.clock();
  private final TestServer server = credflow.server();
  private final FakeOAuthProvider provider = credflow.provider();
  private final World.Tenancy t = credflow.tenancy();
  private final Api alice = server.as(t.memberKey());

  @RegisterExtension
  final LeakCheck leaks =
      new LeakCheck(
          FakeOAuthProvider.DEFAULT_CLIENT_SECRET,
          URLEncoder.encode(FakeOAuthProvider.DEFAULT_CLIENT_SECRET, StandardCharsets.UTF_8));

  @BeforeAll
  static void secondMemberAndSecondWorkspace() {
    TestServer server = credflow.server();
    World.Tenancy t = credflow.tenancy();
    Api.Response bobUser = credflow.world().user("oauthsec-bob@example.com");
    World.member(server.admin(), "workspaces", t.workspace(), bobUser.id(), "member");
    bob = server.as(World.apiKey(bobUser));
    otherWorkspace = World.workspace(server.admin(), t.contract(), "oauthsec second workspace");
    World.member(server.admin(), "workspaces", otherWorkspace, t.memberId(), "member");
    h2 =
        new Env(
            server,
            t,
            server.as(t.memberKey()),
            fakeClient(server, t, Map.of("client_auth", "basic")));
  }

  // ---- 8. state ----

  @Test
  void startWhenRepeatedThenEveryStateCarriesAtLeast128RandomBitsAndNoneRepeats() {
    Set<String> states = new HashSet<>();
    Set<String> challenges = new HashSet<>();
    int starts = 16;
    for (int i = 0; i < starts; i++) {
      Api.Response started = startAuthorization(h2, alice, t.workspace());
      assertThat(started.status()).as(started.text()).isEqualTo(201);
      String state = state(started);
      assertThat(state).matches("[A-Za-z0-9_-]+");
      assertThat(Base64.getUrlDecoder().decode(state)).hasSizeGreaterThanOrEqualTo(16);
      Map<String, String> params = query(URI.create(authorizeUrl(started)));
      assertThat(params).containsEntry("state", state);
      states.add(state);
      challenges.add(params.get("code_challenge"));
    }
    assertThat(states).hasSize(starts);
    assertThat(challenges).hasSize(starts);
  }

  @Test
  void callbackWhenStateIsMissingThen400AndTheRoundTripStaysPending() {
    Api.Response started = startAuthorization(h2, alice, t.workspace());
    URI callback = follow(started);
    String code = query(callback).get("code");

    Api.Response stateless = callback(withQuery(Map.of("code", code)), true);
    assertThat(stateless.status()).as(stateless.text()).isEqualTo(400);
    Api.Response statelessPage = callback(withQuery(Map.of("code", code)), false);
    assertThat(statelessPage.status()).isEqualTo(400);
    assertThat(statelessPage.text()).contains("window.opener").doesNotContain(code);

    assertPending(started);
    finishAndSave(started, callback);
  }

  @Test
  void callbackWhenStateIsWrongThen400AndNothingIsRecorded() {
    Api.Response started = startAuthorization(h2, alice, t.workspace());
    URI callback = follow(started);
    String code = query(callback).get("code");
    String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);

    Api.Response wrong = callback(withQuery(Map.of("code", code, "state", forged)), true);
    assertThat(wrong.status()).as(wrong.text()).isEqualTo(400);
    assertThat(wrong.body().path("status").asText()).isEqualTo("error");
    Api.Response savedWithForged =
        save(h2, alice, t.workspace(), "forged", Map.of("state", forged));
    assertThat(savedWithForged.status()).as(savedWithForged.text()).isEqualTo(422);

    assertPending(started);
    finishAndSave(started, callback);
  }

  @Test
  void callbackWhenStateExpiredThen400AndSavingWithItIs422WithoutAnyTokenRequest() {
    Api.Response started = startAuthorization(h2, alice, t.workspace());
    URI callback = follow(started);
    String code = query(callback).get("code");
    int tokenRequests = provider.tokenRequestCount();
    clock.advance(Duration.ofMinutes(11));

    Api.Response late = callback(callback, true);
    assertThat(late.status()).as(late.text()).isEqualTo(400);
    assertThat(late.body().path("code").asText()).isEqualTo("expired_state");

    Api.Response saved = save(h2, alice, t.workspace(), "late", Map.of("state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(422);
    assertThat(saved.error().path("source").path("pointer").asText()).isEqualTo(STATE_POINTER);
    Api.Response pasted =
        save(h2, alice, t.workspace(), "late", Map.of("code", code, "state", state(started)));
    assertThat(pasted.status()).as(pasted.text()).isEqualTo(422);
    assertThat(provider.tokenRequestCount()).isEqualTo(tokenRequests);
  }

  @Test
  void callbackWhenTheStateIsJustUnderTenMinutesOldThenAcceptedAndAtTenMinutesRefused() {
    Api.Response young = startAuthorization(h2, alice, t.workspace());
    URI youngCallback = follow(young);
    clock.advance(Duration.ofMinutes(10).minusSeconds(1));
    Api.Response accepted = callback(youngCallback, true);
    assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
    Api.Response saved = save(h2, alice, t.workspace(), "young", Map.of("state", state(young)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);

    Api.Response old = startAuthorization(h2, alice, t.workspace());
    URI oldCallback = follow(old);
    clock.advance(Duration.ofMinutes(10));
    Api.Response refused = callback(oldCallback, true);
    assertThat(refused.status()).as(refused.text()).isEqualTo(400);
    assertThat(refused.body().path("code").asText()).isEqualTo("expired_state");
  }

  @Test
  void callbackWhenReplayedThen400AndTheFirstRecordedCodeIsTheOneRedeemed() {
    Api.Response started = startAuthorization(h2, alice, t.workspace());
    URI callback = follow(started);
    String code = query(callback).get("code");
    assertThat(callback(callback, true).status()).isEqualTo(200);

    Api.Response replay = callback(callback, true);
    assertThat(replay.status()).as(replay.text()).isEqualTo(400);
    Api.Response swapped =
        callback(withQuery(Map.of("code", "attacker-code", "state", state(started))), true);
    assertThat(swapped.status()).as(swapped.text()).isEqualTo(400);

    Api.Response saved =
        save(h2, alice, t.workspace(), "replayed", Map.of("state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    assertThat(lastCodeExchange().params()).containsEntry("code", code);
  }

  @Test
  void saveWhenAnotherMemberOfTheWorkspaceUsesTheStateThen422AndTheStartersSaveStillWorks() {
    Api.Response started = startAuthorization(h2, alice, t.workspace());
    URI callback = follow(started);
    assertThat(callback(callback, true).status()).isEqualTo(200);
    int tokenRequests = provider.tokenRequestCount();

    Api.Response stolen = save(h2, bob, t.workspace(), "bob's", Map.of("state", state(started)));
    assertThat(stolen.status()).as(stolen.text()).isEqualTo(422);
    assertThat(stolen.error().path("source").path("pointer").asText()).isEqualTo(STATE_POINTER);
    assertThat(provider.tokenRequestCount()).isEqualTo(tokenRequests);

    Api.Response saved = save(h2, alice, t.workspace(), "alice's", Map.of("state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
  }

  @Test
  void saveWhenTheSameUserUsesTheStateInAnotherWorkspaceThen422() {
    Api.Response started = startAuthorization(h2, alice, t.workspace());
    URI callback = follow(started);
    assertThat(callback(callback, true).status()).isEqualTo(200);
    int tokenRequests = provider.tokenRequestCount();

    Api.Response elsewhere =
        save(h2, alice, otherWorkspace, "elsewhere", Map.of("state", state(started)));
    assertThat(elsewhere.status()).as(elsewhere.text()).isEqualTo(422);
    assertThat(provider.tokenRequestCount()).isEqualTo(tokenRequests);

    Api.Response saved = save(h2, alice, t.workspace(), "at home", Map.of("state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
  }

  @Test
  void saveWhenAReauthenticationsStateIsUsedForAnotherCredentialOrANewOneThen422() {
    Api.Response first = startAuthorization(h2, alice, t.workspace());
    String target = finishAndSave(first, follow(first));
    Api.Response second = startAuthorization(h2, alice, t.workspace());
    String bystander = finishAndSave(second, follow(second));

    Api.Response started =
        startAuthorization(
            h2, alice, t.workspace(), Map.of("credential", Resource.rel("credential", target)));
    assertThat(callback(follow(started), true).status()).isEqualTo(200);
    int tokenRequests = provider.tokenRequestCount();

    Api.Response wrongCredential = reauthenticate(bystander, state(started));
    assertThat(wrongCredential.status()).as(wrongCredential.text()).isEqualTo(422);
    Api.Response asNew = save(h2, alice, t.workspace(), "new", Map.of("state", state(started)));
    assertThat(asNew.status()).as(asNew.text()).isEqualTo(422);
    assertThat(provider.tokenRequestCount()).isEqualTo(tokenRequests);

    Api.Response right = reauthenticate(target, state(started));
    assertThat(right.status()).as(right.text()).isEqualTo(200);
    trip(h2).storedTokens(target);
  }

  private Api.Response reauthenticate(String credential, String state) {
    ObjectNode patch =
        Resource.of("credential")
            .id(credential)
            .attribute("credentials", Map.of("state", state))
            .build();
    return leaks.seen(
        alice.patch("/v2/workspaces/" + t.workspace() + "/credentials/" + credential, patch));
  }

  // ---- 9. PKCE ----

  @Test
  void challengeWhenGivenTheRfc7636AppendixBVerifierThenItIsTheAppendixBChallenge() {
    assertThat(Pkce.challenge(Secret.of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")))
        .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    // Keeps the leak check of this test meaningful: it made a request too.
    leaks.seen(server.admin().get("/health"));
  }

  @Test
  void saveWhenPkceIsOnThenTheVerifierAtTheTokenEndpointMatchesTheChallengeInTheAuthorizeUrl()
      throws Exception {
    Api.Response started = startAuthorization(h2, alice, t.workspace());
    Map<String, String> params = query(URI.create(authorizeUrl(started)));
    assertThat(params).containsEntry("code_challenge_method", "S256");
    finishAndSave(started, follow(started));

    String verifier = lastCodeExchange().param("code_verifier").orElseThrow();
    assertThat(verifier).matches("[A-Za-z0-9._~-]{43,128}");
    String s256 =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    assertThat(params.get("code_challenge")).isEqualTo(s256);
  }

  // ---- 10. client_secret_basic ----

  @Test
  void saveWhenClientAuthIsBasicThenOneMethodWithTheSecretFormUrlencodedBeforeBase64() {
    Api.Response started = startAuthorization(h2, alice, t.workspace());
    finishAndSave(started, follow(started));

    RecordedRequest token = lastCodeExchange();
    assertThat(token.params()).doesNotContainKey("client_secret");
    String header = token.authorization().orElseThrow();
    assertThat(header).startsWith("Basic ");
    String decoded =
        new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
    assertThat(decoded).contains(":");
    String secret = decoded.substring(decoded.indexOf(':') + 1);
    assertThat(secret).doesNotContain(":").doesNotContain(" ").contains("%3A", "%2B", "%25");
    assertThat(URLDecoder.decode(secret, StandardCharsets.UTF_8))
        .isEqualTo(FakeOAuthProvider.DEFAULT_CLIENT_SECRET);
  }

  // ---- 11. a code is redeemed at most once ----

  @Test
  void saveWhenTwoSavesRaceOnOneStateThenExactlyOneIs201AndTheCodeIsRedeemedOnce()
      throws Exception {
    race(h2, 4);
  }

  @Test
  void saveWhenTwoSavesRaceOnOneStateOnPostgresThenExactlyOneIs201AndTheCodeIsRedeemedOnce()
      throws Exception {
    try (TestServer pg = TestServer.start(true, clock)) {
      World.Tenancy pgT = new World(pg).tenancy("oauthsec-pg");
      Env env =
          new Env(
              pg, pgT, pg.as(pgT.memberKey()), fakeClient(pg, pgT, Map.of("client_auth", "basic")));
      race(env, 4);
    }
  }

  /**
   * Rounds of two concurrent saves with one state: odd rounds after the callback recorded the code,
   * even rounds with the code pasted into both bodies (the callback never came).
   */
  private void race(Env env, int rounds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < rounds; round++) {
        Api.Response started = startAuthorization(env, env.member(), env.ws());
        URI callback = follow(started);
        Map<String, String> body = new LinkedHashMap<>();
        body.put("state", state(started));
        if (round % 2 == 0) {
          assertThat(callback(env, callback).status()).isEqualTo(200);
        } else {
          body.put("code", query(callback).get("code"));
        }
        int exchanges = provider.tokenRequestCount("authorization_code");
        CyclicBarrier together = new CyclicBarrier(2);
        List<Future<Api.Response>> saves = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          String name = "race " + round + "." + i;
          saves.add(
              pool.submit(
                  () -> {
                    together.await();
                    return save(env, env.member(), env.ws(), name, body);
                  }));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Api.Response> f : saves) {
          Api.Response r = f.get();
          statuses.add(r.status());
          if (r.status() != 201) {
            assertThat(r.error().path("source").path("pointer").asText()).isEqualTo(STATE_POINTER);
          }
        }
        assertThat(statuses).as("round %d", round).containsExactlyInAnyOrder(201, 422);
        assertThat(provider.tokenRequestCount("authorization_code")).isEqualTo(exchanges + 1);
      }
      assertThat(provider.codeReuseDetected()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- 12. errors of the code exchange ----

  @ParameterizedTest
  @EnumSource(TokenFailure.class)
  void saveWhenTheTokenEndpointFailsThenTheErrorIsMappedAndNoCredentialIsCreated(
      TokenFailure failure) {
    String client = fakeClient(server, t, Map.of("client_auth", "basic"));
    Env env = new Env(server, t, alice, client);
    Api.Response started = startAuthorization(env, alice, t.workspace());
    assertThat(callback(env, follow(started)).status()).isEqualTo(200);
    int before = provider.tokenRequestCount();

    provider.failNext(1, failure);
    Api.Response saved =
        save(env, alice, t.workspace(), "failing", Map.of("state", state(started)));

    assertThat(provider.tokenRequestCount()).isGreaterThan(before);
    switch (failure) {
      case INVALID_GRANT -> {
        assertThat(saved.status()).as(saved.text()).isEqualTo(422);
        assertThat(saved.error().path("source").path("pointer").asText()).isEqualTo(STATE_POINTER);
        assertThat(saved.error().path("code").asText()).isEqualTo("authorization_failed");
        assertThat(saved.error().path("detail").asText()).contains("invalid_grant");
        // invalid_grant on a code is final: never retried.
        assertThat(provider.tokenRequestCount()).isEqualTo(before + 1);
      }
      case INVALID_CLIENT -> {
        assertThat(saved.status()).as(saved.text()).isEqualTo(502);
        assertThat(saved.error().path("detail").asText())
            .contains("auth-client " + client)
            .contains("invalid_client");
        assertThat(saved.error().path("code").asText()).isEqualTo("auth_client_misconfigured");
        assertThat(saved.error().path("detail").asText()).contains("client_secret");
      }
      case TEMPORARILY_UNAVAILABLE, HTTP_500, HTTP_503_EMPTY -> {
        assertThat(saved.status()).as(saved.text()).isEqualTo(502);
        assertThat(saved.error().path("code").asText()).isEqualTo("provider_unavailable");
      }
    }
    assertThat(saved.error().path("status").asText()).isEqualTo(String.valueOf(saved.status()));
    assertThat(saved.text()).doesNotContain("Exception").doesNotContain("at io.credflow");
    // Whatever the failure, the code was presented once: saving again never presents it again.
    int afterFailure = provider.tokenRequestCount();
    Api.Response again =
        save(env, alice, t.workspace(), "failing again", Map.of("state", state(started)));
    assertThat(again.status()).as(again.text()).isEqualTo(422);
    assertThat(provider.tokenRequestCount()).isEqualTo(afterFailure);
    assertThat(provider.codeReuseDetected()).isZero();
    Api.Response list =
        leaks.seen(
            alice.get(
                "/v2/workspaces/"
                    + t.workspace()
                    + "/credentials?filter%5Bauth_client%5D="
                    + client));
    assertThat(list.status()).as(list.text()).isEqualTo(200);
    assertThat(list.data()).isEmpty();
  }

  // ---- the callback never reflects what the provider sent unescaped ----

  @Test
  void callbackWhenErrorDescriptionCarriesAScriptThenTheHtmlPageEscapesIt() {
    Api.Response started = startAuthorization(h2, alice, t.workspace());
    String script = "<script>alert('pwned')</script>";
    String tag = "\"><img src=x onerror=alert(1)>";
    Api.Response page =
        callback(
            withQuery(
                Map.of(
                    "state",
                    state(started),
                    "error",
                    "access_denied" + tag,
                    "error_description",
                    script)),
            false);
    assertThat(page.status()).isBetween(400, 499);
    assertThat(page.header("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    assertThat(page.header("Content-Security-Policy"))
        .hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'"));
    assertThat(page.text())
        .doesNotContain("<script>alert")
        .doesNotContain("<img")
        .contains("&lt;script&gt;alert(")
        .contains("&lt;img src=x onerror=alert(1)&gt;");

    Api.Response saved =
        save(h2, alice, t.workspace(), "scripted", Map.of("state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(422);
    assertThat(saved.error().path("code").asText()).isEqualTo("authorization_failed");
  }

  // ---- helpers ----

  private static String fakeClient(TestServer srv, World.Tenancy tn, Map<String, Object> extra) {
    return AuthClients.oauth2()
        .at(credflow.provider())
        .credentials(extra)
        .in(tn)
        .create(srv.admin());
  }

  private void assertPending(Api.Response started) {
    Api.Response pending =
        save(h2, alice, t.workspace(), "too early", Map.of("state", state(started)));
    assertThat(pending.status()).as(pending.text()).isEqualTo(422);
    assertThat(pending.error().path("code").asText()).isEqualTo("authorization_pending");
  }

  private String finishAndSave(Api.Response started, URI callback) {
    Api.Response landed = callback(callback, true);
    assertThat(landed.status()).as(landed.text()).isEqualTo(200);
    Api.Response saved =
        save(h2, alice, t.workspace(), "finished", Map.of("state", state(started)));
    assertThat(saved.status()).as(saved.text()).isEqualTo(201);
    return saved.id();
  }

  private Api.Response startAuthorization(Env env, Api api, String ws) {
    return startAuthorization(env, api, ws, Map.of());
  }

  private Api.Response startAuthorization(
      Env env, Api api, String ws, Map<String, JsonNode> relationships) {
    Api.Response started = trip(env).as(api, ws).start(env.authClient(), Map.of(), relationships);
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    return started;
  }

  private URI follow(Api.Response started) {
    URI callback = provider.followAuthorization(URI.create(authorizeUrl(started)));
    String code = query(callback).get("code");
    assertThat(code).isNotBlank();
    leaks.secret(code);
    return callback;
  }

  private Api.Response callback(URI callback, boolean json) {
    return trip(h2).as(alice, t.workspace()).callback(callback, json);
  }

  private Api.Response callback(Env env, URI callback) {
    return trip(env).callback(callback, true);
  }

  /** The callback URL of the H2 server with these parameters. */
  private URI withQuery(Map<String, String> params) {
    return Authorizations.withQuery(server.callbackUri(), params);
  }

  private Api.Response save(Env env, Api api, String ws, String name, Map<String, String> body) {
    return trip(env).as(api, ws).save(name, env.authClient(), body);
  }

  /** The round trip of {@code env}'s member, through this test's leak check. */
  private RoundTrip trip(Env env) {
    return new RoundTrip(env.server(), env.member(), env.t().memberId(), env.ws(), leaks);
  }

  private RecordedRequest lastCodeExchange() {
    return trip(h2).lastCodeExchange(provider);
  }
}
