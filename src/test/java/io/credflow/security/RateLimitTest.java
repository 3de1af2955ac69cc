package io.credflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ManualTime;
import io.credflow.testing.World;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Security requirement 18: failed authentications per client address and requests per API key are
 * limited, answering 429 with Retry-After as a JSON:API error. Time is a {@link ManualTime}: the
 * test moves it instead of waiting for buckets to refill.
 */
class RateLimitTest {
  private static final String WRONG_KEY = "cfk_not-a-key-of-anyone-0123456789";

  @RegisterExtension
  final CredflowExtension credflow =
      CredflowExtension.h2()
          .manualTime()
          .configure(c -> c.rateLimit("5").trustedProxies(List.of()));

  private Api.Response wrongKey(String forwardedFor) {
    Api api = credflow.server().as(WRONG_KEY);
    HttpRequest.Builder b = api.builder("/v2/workspaces");
    if (forwardedFor != null) {
      b.header("X-Forwarded-For", forwardedFor);
    }
    return api.send(b.GET());
  }

  private static void assertTooMany(Api.Response r, String code) {
    assertThat(r.status()).as(r.text()).isEqualTo(429);
    assertThat(r.header("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/vnd.api+json"));
    assertThat(r.error().path("status").asText()).isEqualTo("429");
    assertThat(r.error().path("code").asText()).isEqualTo(code);
    assertThat(r.error().path("title").asText()).isEqualTo("Too Many Requests");
    assertThat(r.error().path("detail").asText()).contains("try again in");
    assertThat(r.header("Retry-After")).hasValueSatisfying(s -> assertThat(s).matches("[1-9]\\d*"));
  }

  private static long retryAfter(Api.Response r) {
    return Long.parseLong(r.header("Retry-After").orElseThrow());
  }

  @Test
  void authenticateWhenTwentyFailuresInAMinuteThenTheNextAnswers429WithRetryAfter() {
    for (int i = 0; i < 20; i++) {
      assertThat(wrongKey(null).status()).as("failure %d", i + 1).isEqualTo(401);
    }

    Api.Response limited = wrongKey(null);

    assertTooMany(limited, "too_many_failed_authentications");
    assertThat(limited.text()).doesNotContain(WRONG_KEY);
  }

  @Test
  void authenticateWhenTheAddressIsLimitedThenAValidKeyFromItStillWorks() {
    for (int i = 0; i < 21; i++) {
      wrongKey(null);
    }
    assertThat(wrongKey(null).status()).isEqualTo(429);

    Api.Response valid = credflow.admin().get("/v2/workspaces");

    assertThat(valid.status()).as(valid.text()).isEqualTo(200);
  }

  @Test
  void authenticateWhenRetryAfterHasPassedThenAFailureAnswers401Again() {
    for (int i = 0; i < 20; i++) {
      wrongKey(null);
    }
    Api.Response limited = wrongKey(null);
    assertThat(limited.status()).isEqualTo(429);

    credflow.time().advance(Duration.ofSeconds(retryAfter(limited)));

    assertThat(wrongKey(null).status()).isEqualTo(401);
    assertThat(wrongKey(null).status()).isEqualTo(429);
  }

  @Test
  void authenticateWhenNoProxyIsTrustedThenXForwardedForDoesNotEscapeTheLimit() {
    for (int i = 0; i < 20; i++) {
      assertThat(wrongKey("198.51.100." + i).status()).isEqualTo(401);
    }

    assertTooMany(wrongKey("203.0.113.77"), "too_many_failed_authentications");
  }

  @Test
  void authenticateWhenNoKeyIsSentThenNothingIsCountedAgainstTheAddress() {
    Api anonymous = new Api(credflow.server().baseUrl(), null);
    for (int i = 0; i < 30; i++) {
      assertThat(anonymous.get("/v2/workspaces").status()).isEqualTo(401);
    }

    assertThat(wrongKey(null).status()).isEqualTo(401);
  }

  @Test
  void requestsWhenAnApiKeyGoesOverItsLimitThen429AndOtherKeysAreUnaffected() {
    Api member = credflow.server().as(World.apiKey(credflow.world().user("limited@example.com")));
    for (int i = 0; i < 5; i++) {
      assertThat(member.get("/v2/workspaces").status()).as("request %d", i + 1).isEqualTo(200);
    }

    Api.Response limited = member.get("/v2/workspaces");

    assertTooMany(limited, "rate_limited");
    assertThat(limited.error().path("detail").asText()).contains("5 requests in a minute");
    assertThat(credflow.admin().get("/v2/workspaces").status()).isEqualTo(200);

    credflow.time().advance(Duration.ofSeconds(retryAfter(limited)));
    assertThat(member.get("/v2/workspaces").status()).isEqualTo(200);
  }
}
