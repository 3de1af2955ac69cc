package io.credflow.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ManualTime;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.oauth.Authorizations;
import io.credflow.testing.oauth.FakeInstagram;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.oauth.LeakCheck;
import io.credflow.testing.oauth.RoundTrip;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code credential.expiring_soon}: refresh tokens whose expiry the provider says ({@code
 * refresh_token_expires_in}, Intuit's {@code x_refresh_token_expires_in}) or the auth-client's
 * {@code refresh_token_lifetime} gives, and client secrets with a {@code client_secret_expires_at},
 * warned about once each, a warning window (7 days) ahead, by a sweep on the manual clock; the
 * fields the API shows; bad settings refused at their pointer. Subclasses name the database.
 */
abstract class ExpiryContract {
  private static final String CREDENTIALS = "/data/attributes/credentials";
  private static final Duration WINDOW = Duration.ofDays(7);
  private static final long THIRTY_DAYS = Duration.ofDays(30).toSeconds();
  private static final long NINETY_DAYS = Duration.ofDays(90).toSeconds();

  abstract CredflowExtension credflow();

  private final ManualTime time = credflow().time();
  private final FakeOAuthProvider provider = credflow().provider();
  private final WorkspaceApi member = credflow().member();
  private final World.Tenancy tenancy = credflow().tenancy();

  private int sweep() {
    return credflow().server().credflow().services().expiries().sweep();
  }

  /** Sweeps twice (a second sweep must add nothing) and returns the expiring_soon details. */
  private List<String> sweptWarnings(String credential) {
    sweep();
    sweep();
    return warnings(credential);
  }

  private List<String> warnings(String credential) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : member.events(credential).data()) {
      if (e.path("attributes").path("type").asText().equals("credential.expiring_soon")) {
        out.add(e.path("attributes").path("detail").asText());
      }
    }
    return out;
  }

  /**
   * A new expiry at {@code expires}, after {@code warned} warnings: nothing soon yet and the sweep
   * adds nothing, then one more warning once the clock is inside its window.
   */
  private void warnedOnceMoreInTheWindowOf(String credential, Instant expires, int warned) {
    assertThat(member.attributes(credential).path("expiring_soon").asBoolean()).isFalse();
    assertThat(sweptWarnings(credential)).hasSize(warned);
    time.advance(Duration.between(time.now(), expires.minus(WINDOW)).plusSeconds(1));
    assertThat(sweptWarnings(credential)).hasSize(warned + 1);
  }

  private static Optional<Instant> refreshTokenExpiresAt(JsonNode attributes) {
    JsonNode v = attributes.path("refresh_token_expires_at");
    return v.isNull() || v.isMissingNode()
        ? Optional.empty()
        : Optional.of(Instant.parse(v.asText()));
  }

  private JsonNode listed(String credential) {
    for (JsonNode c : member.list().data()) {
      if (c.path("id").asText().equals(credential)) {
        return c.path("attributes");
      }
    }
    throw new AssertionError("credential " + credential + " is not listed");
  }

  // --- (a) the token response says ---

  @Test
  void sweepWhenTheRefreshResponseSaysTheRefreshTokenLifetimeThenOneWarningWithinSevenDaysOnly() {
    String id = member.importTokens(credflow().oauth2Client(), provider.issueTokens("read"), 3600);
    assertThat(refreshTokenExpiresAt(member.attributes(id))).isEmpty();
    provider.refreshTokenExpiresIn("refresh_token_expires_in", Optional.of(THIRTY_DAYS));

    Api.Response refreshed = member.refresh(id);
    assertThat(refreshed.status()).as(refreshed.text()).isEqualTo(200);
    Instant expires = time.now().plusSeconds(THIRTY_DAYS);
    JsonNode attrs = member.attributes(id);
    assertThat(refreshTokenExpiresAt(attrs)).contains(expires);
    assertThat(attrs.path("expiring_soon").asBoolean()).isFalse();

    time.advance(Duration.between(time.now(), expires.minus(WINDOW)).minusSeconds(1));
    assertThat(sweptWarnings(id)).isEmpty();
    assertThat(member.attributes(id).path("expiring_soon").asBoolean()).isFalse();

    time.advance(Duration.ofSeconds(2));
    List<String> warned = sweptWarnings(id);
    assertThat(warned).hasSize(1);
    assertThat(warned.get(0)).contains("refresh token", expires.toString(), "reconnect");
    assertThat(member.attributes(id).path("expiring_soon").asBoolean()).isTrue();
    assertThat(listed(id).path("expiring_soon").asBoolean()).isTrue();
    assertThat(refreshTokenExpiresAt(listed(id))).contains(expires);

    // A provider that repeats the remaining lifetime (here 20 s off) gives the same expiry.
    provider.refreshTokenExpiresIn(
        "refresh_token_expires_in",
        Optional.of(Duration.between(time.now(), expires).toSeconds() + 20));
    assertThat(member.refresh(id).status()).isEqualTo(200);
    assertThat(refreshTokenExpiresAt(member.attributes(id))).contains(expires);
    assertThat(sweptWarnings(id)).hasSize(1);
    provider.refreshTokenExpiresIn("refresh_token_expires_in", Optional.of(THIRTY_DAYS));

    // A rotated refresh token with a lifetime of its own is a new expiry: warned about again.
    assertThat(member.refresh(id).status()).isEqualTo(200);
    Instant next = time.now().plusSeconds(THIRTY_DAYS);
    assertThat(refreshTokenExpiresAt(member.attributes(id))).contains(next);
    warnedOnceMoreInTheWindowOf(id, next, 1);
  }

  @Test
  void authenticateWhenTheCodeResponseNamesItXRefreshTokenExpiresInThenTheCredentialShowsIt() {
    String authClient = credflow().oauth2Client();
    provider.refreshTokenExpiresIn("x_refresh_token_expires_in", Optional.of(THIRTY_DAYS));
    LeakCheck leaks = new LeakCheck(provider.clientSecret());
    RoundTrip trip = RoundTrip.of(credflow().server(), tenancy, leaks);
    Api.Response started = trip.start(authClient, Map.of("credential_name", "intuit"), Map.of());
    assertThat(started.status()).as(started.text()).isEqualTo(201);
    URI callback = provider.followAuthorization(URI.create(Authorizations.authorizeUrl(started)));
    Api.Response landed = trip.callback(callback, true);
    assertThat(landed.status()).as(landed.text()).isEqualTo(200);
    String id = landed.body().path("credential").asText();
    Instant expires = time.now().plusSeconds(THIRTY_DAYS);

    assertThat(refreshTokenExpiresAt(member.attributes(id))).contains(expires);
    time.advance(Duration.ofDays(23).plusSeconds(1));
    assertThat(sweptWarnings(id)).hasSize(1);
  }

  // --- (b) the auth-client's refresh_token_lifetime ---

  @Test
  void sweepWhenTheAuthClientSetsARefreshTokenLifetimeThenItCountsFromIssueAndRestartsOnRotation() {
    String authClient = credflow().oauth2Client(Map.of("refresh_token_lifetime", NINETY_DAYS));
    Instant imported = time.now();
    String id = member.importTokens(authClient, provider.issueTokens("read"), 3600);
    Instant expires = imported.plusSeconds(NINETY_DAYS);
    assertThat(refreshTokenExpiresAt(member.attributes(id))).contains(expires);

    // Not rotated: the refresh token keeps its age, and its expiry.
    provider.rotateRefreshTokens(false);
    time.advance(Duration.ofDays(10));
    assertThat(member.refresh(id).status()).isEqualTo(200);
    assertThat(refreshTokenExpiresAt(member.attributes(id))).contains(expires);

    time.advance(Duration.between(time.now(), expires.minus(WINDOW)).minusSeconds(1));
    assertThat(sweptWarnings(id)).isEmpty();
    time.advance(Duration.ofSeconds(2));
    assertThat(sweptWarnings(id)).hasSize(1);

    // Rotated: the new refresh token lives its own 90 days.
    provider.rotateRefreshTokens(true);
    assertThat(member.refresh(id).status()).isEqualTo(200);
    Instant rotated = time.now().plusSeconds(NINETY_DAYS);
    assertThat(refreshTokenExpiresAt(member.attributes(id))).contains(rotated);
    warnedOnceMoreInTheWindowOf(id, rotated, 1);

    // Authenticated again (new tokens): a new expiry, warned about again in its time.
    assertThat(member.replaceTokens(id, provider.issueTokens("read"), 3600).status())
        .isEqualTo(200);
    Instant reauthenticated = time.now().plusSeconds(NINETY_DAYS);
    assertThat(refreshTokenExpiresAt(member.attributes(id))).contains(reauthenticated);
    warnedOnceMoreInTheWindowOf(id, reauthenticated, 2);
  }

  @Test
  void
      importWhenTheProviderDocumentsItsRefreshTokenLifetimeThenItCountsUnlessTheAuthClientSetsOne() {
    String microsoftToken = "https://login.microsoftonline.com/common/oauth2/v2.0/token";
    Instant imported = time.now();
    String documented =
        member.importTokens(
            credflow().oauth2Client(Map.of("token_uri", microsoftToken)),
            provider.issueTokens("read"),
            3600);
    String own =
        member.importTokens(
            credflow()
                .oauth2Client(
                    Map.of("token_uri", microsoftToken, "refresh_token_lifetime", THIRTY_DAYS)),
            provider.issueTokens("read"),
            3600);
    String unknown =
        member.importTokens(credflow().oauth2Client(Map.of()), provider.issueTokens("read"), 3600);

    assertThat(refreshTokenExpiresAt(member.attributes(documented)))
        .contains(imported.plusSeconds(NINETY_DAYS));
    assertThat(refreshTokenExpiresAt(member.attributes(own)))
        .contains(imported.plusSeconds(THIRTY_DAYS));
    assertThat(refreshTokenExpiresAt(member.attributes(unknown))).isEmpty();
  }

  // --- (c) the auth-client's client_secret_expires_at ---

  @Test
  void sweepWhenTheClientSecretExpiresThenEachCredentialIsWarnedOnceAndAgainAfterANewSecret() {
    Instant secretExpires = time.now().plus(Duration.ofDays(10));
    String authClient =
        credflow().oauth2Client(Map.of("client_secret_expires_at", secretExpires.toString()));
    String id = member.importTokens(authClient, provider.issueTokens("read"), 3600);
    JsonNode client = credflow().admin().get("/v2/auth-clients/" + authClient).attributes();
    assertThat(client.path("credentials").path("client_secret_expires_at").asText())
        .isEqualTo(secretExpires.toString());
    JsonNode attrs = member.attributes(id);
    assertThat(refreshTokenExpiresAt(attrs)).isEmpty();
    assertThat(attrs.path("expiring_soon").asBoolean()).isFalse();

    time.advance(Duration.ofDays(3).minusSeconds(1));
    assertThat(sweptWarnings(id)).isEmpty();
    time.advance(Duration.ofSeconds(2));
    List<String> warned = sweptWarnings(id);
    assertThat(warned).hasSize(1);
    assertThat(warned.get(0))
        .contains("client secret", "auth-client " + authClient, secretExpires.toString());
    assertThat(member.attributes(id).path("expiring_soon").asBoolean()).isTrue();

    // A new secret with a new expiry (a date): nothing soon, then warned about again.
    String newDate =
        time.now().plus(Duration.ofDays(30)).atZone(ZoneOffset.UTC).toLocalDate().toString();
    Api.Response patched =
        AuthClients.patchCredentials(
            credflow().admin(),
            authClient,
            Map.of("client_secret", provider.clientSecret(), "client_secret_expires_at", newDate));
    assertThat(patched.status()).as(patched.text()).isEqualTo(200);
    Instant newExpiry = Instant.parse(newDate + "T00:00:00Z");
    assertThat(patched.attributes().path("credentials").path("client_secret_expires_at").asText())
        .isEqualTo(newExpiry.toString());
    warnedOnceMoreInTheWindowOf(id, newExpiry, 1);
  }

  // --- Instagram: renewed by Credflow, warned about only once renewing fails ---

  @Test
  void sweepWhenAnInstagramTokenIsDueThenNoWarningUntilItsRenewalFailsAndNoneOnceRenewed() {
    try (FakeInstagram instagram = FakeInstagram.start(time.clock()::instant)) {
      String authClient = credflow().instagramClient(instagram);
      String id =
          member.importInstagram(
              authClient, instagram.issueLongLivedToken(), FakeInstagram.LONG_LIVED_EXPIRES_IN);
      Instant expires = Instant.parse(member.attributes(id).path("expires_at").asText());
      time.advance(Duration.between(time.now(), expires.minus(WINDOW)).plusSeconds(1));
      assertThat(sweptWarnings(id)).isEmpty();
      assertThat(member.attributes(id).path("expiring_soon").asBoolean()).isFalse();

      instagram.failNext(1, FakeInstagram.Failure.HTTP_500);
      Instant due = credflow().server().schedule(id).refreshAt().orElseThrow();
      if (due.isAfter(time.now())) {
        time.advance(Duration.between(time.now(), due));
      }
      credflow().runDueRefreshes();
      assertThat(member.eventTypes(id)).contains("credential.refresh_failed");
      List<String> warned = sweptWarnings(id);
      assertThat(warned).hasSize(1);
      assertThat(warned.get(0)).contains("Instagram token", expires.toString(), "reconnect");
      assertThat(member.attributes(id).path("expiring_soon").asBoolean()).isTrue();

      time.advance(
          Duration.between(time.now(), credflow().server().schedule(id).refreshAt().orElseThrow()));
      credflow().runDueRefreshes();
      assertThat(member.attributes(id).path("expiring_soon").asBoolean()).isFalse();
      assertThat(member.attributes(id).path("refresh_token_expires_at").isNull()).isTrue();
      assertThat(sweptWarnings(id)).hasSize(1);
    }
  }

  // --- bad settings ---

  @Test
  void createWhenTheExpirySettingsAreBadThen422AtEachPointerAndNothingIsStored() {
    String clients = "/v2/auth-clients?filter%5Bcomponent%5D=" + tenancy.component();
    int before = credflow().admin().get(clients).data().size();
    Api.Response r =
        AuthClients.oauth2()
            .at(provider)
            .credentials(
                Map.of("refresh_token_lifetime", 0, "client_secret_expires_at", "next tuesday"))
            .in(tenancy)
            .post(credflow().admin());

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r))
        .containsExactlyInAnyOrder(
            CREDENTIALS + "/refresh_token_lifetime", CREDENTIALS + "/client_secret_expires_at");
    assertThat(r.text()).contains("ISO-8601");
    for (Object bad : List.of(-5, "90 days", 1.5)) {
      Api.Response lifetime =
          AuthClients.oauth2()
              .at(provider)
              .credentials(Map.of("refresh_token_lifetime", bad))
              .in(tenancy)
              .post(credflow().admin());
      assertThat(lifetime.status()).as(lifetime.text()).isEqualTo(422);
      assertThat(pointers(lifetime)).containsExactly(CREDENTIALS + "/refresh_token_lifetime");
    }
    for (Object bad : List.of(42, "2030-13-01", "2030-01-01T25:00:00Z", "")) {
      Api.Response date =
          AuthClients.oauth2()
              .at(provider)
              .credentials(Map.of("client_secret_expires_at", bad))
              .in(tenancy)
              .post(credflow().admin());
      assertThat(date.status()).as(date.text()).isEqualTo(422);
      assertThat(pointers(date)).containsExactly(CREDENTIALS + "/client_secret_expires_at");
    }
    assertThat(credflow().admin().get(clients).data()).hasSize(before);
  }

  @Test
  void patchWhenAnExpirySettingIsBadThen422AtItsPointerAndTheStoredSettingStays() {
    String authClient = credflow().oauth2Client(Map.of("client_secret_expires_at", "2031-01-01"));
    Api.Response r =
        AuthClients.patchCredentials(
            credflow().admin(), authClient, Map.of("client_secret_expires_at", "soon"));

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly(CREDENTIALS + "/client_secret_expires_at");
    JsonNode stored = credflow().admin().get("/v2/auth-clients/" + authClient).attributes();
    assertThat(stored.path("credentials").path("client_secret_expires_at").asText())
        .isEqualTo("2031-01-01T00:00:00Z");
  }

  private static List<String> pointers(Api.Response r) {
    List<String> out = new ArrayList<>();
    r.body().path("errors").forEach(e -> out.add(e.path("source").path("pointer").asText()));
    return out;
  }
}
