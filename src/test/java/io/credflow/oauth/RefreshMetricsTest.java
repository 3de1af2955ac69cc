package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.common.NotFoundException;
import io.credflow.credential.RefreshResult;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.oauth.FakeOAuthProvider.TokenFailure;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The refresh and audit metrics a Prometheus scrape of {@code /metrics} reads: every refresh
 * attempt counted by auth-client type and outcome ({@code credflow_refresh_total}) and timed by
 * type ({@code credflow_refresh_duration_seconds}), and every audit record written ({@code
 * credflow_audit_writes_total}). Counters only grow: each test compares before and after.
 */
class RefreshMetricsTest {
  private static final long LIFETIME = 3600;

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().manualTime().fakeOAuthProviderPerTest().tenancyPerTest("metrics");

  private final TestServer server = credflow.server();
  private final FakeOAuthProvider provider = credflow.provider();
  private final WorkspaceApi member = credflow.member();

  /** The sample's value in the scrape; 0 when it is not there yet. */
  private double sample(String name, Map<String, String> labels) {
    Api.Response scrape = server.admin().get("/metrics");
    assertThat(scrape.status()).as(scrape.text()).isEqualTo(200);
    Pattern sample = Pattern.compile(Pattern.quote(name) + "(\\{[^}]*})? (\\S+)");
    for (String line : scrape.text().split("\n")) {
      Matcher m = sample.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String given = m.group(1) == null ? "" : m.group(1);
      boolean all =
          labels.entrySet().stream()
              .allMatch(l -> given.contains(l.getKey() + "=\"" + l.getValue() + "\""));
      if (all) {
        return Double.parseDouble(m.group(2));
      }
    }
    return 0;
  }

  private double refreshes(String outcome) {
    return sample("credflow_refresh_total", Map.of("type", "oauth2", "outcome", outcome));
  }

  private double timed() {
    return sample("credflow_refresh_duration_seconds_count", Map.of("type", "oauth2"));
  }

  private String imported() {
    return member.importTokens(credflow.oauth2Client(), provider.issueTokens("read"), LIFETIME);
  }

  @Test
  void refreshWhenTheProviderIssuesTokensThenRefreshedIsCountedAndTimedForTheType() {
    String id = imported();
    double before = refreshes("refreshed");
    double timedBefore = timed();

    assertThat(member.refresh(id).status()).isEqualTo(200);

    assertThat(refreshes("refreshed")).isEqualTo(before + 1);
    assertThat(timed()).isEqualTo(timedBefore + 1);
    assertThat(server.admin().get("/metrics").text())
        .contains("credflow_refresh_duration_seconds_bucket{type=\"oauth2\",le=")
        .contains("# TYPE credflow_refresh_total counter");
  }

  @Test
  void refreshWhenTheProviderIsUnavailableThenFailedIsCounted() {
    String id = imported();
    double before = refreshes("failed");
    provider.failNext(1, TokenFailure.HTTP_503_EMPTY);

    member.refresh(id);

    assertThat(refreshes("failed")).isEqualTo(before + 1);
  }

  @Test
  void refreshWhenTheGrantIsRefusedThenNeedsReauthIsCounted() {
    String id = imported();
    double before = refreshes("needs_reauth");
    provider.failNext(1, TokenFailure.INVALID_GRANT);

    member.refresh(id);

    assertThat(member.state(id)).isEqualTo("needs_reauth");
    assertThat(refreshes("needs_reauth")).isEqualTo(before + 1);
  }

  @Test
  void refreshWhenThereIsNoRefreshTokenThenNotYetIsCountedAndNoProviderCall() {
    provider.issueRefreshTokens(false);
    String id = imported();
    double before = refreshes("not_yet");
    int calls = provider.tokenRequestCount();

    member.refresh(id);

    assertThat(refreshes("not_yet")).isEqualTo(before + 1);
    assertThat(provider.tokenRequestCount()).isEqualTo(calls);
  }

  @Test
  void refreshWhenTheTokenOutlivesTheSkewThenNotNeededIsCounted() {
    String id = imported();
    RefreshService refresher = server.credflow().services().refresher();
    double before = refreshes("not_needed");

    RefreshResult result = refresher.attempt(id, new RefreshService.Trigger.OnUse());

    assertThat(result.outcome()).isInstanceOf(RefreshResult.Outcome.NotNeeded.class);
    assertThat(refreshes("not_needed")).isEqualTo(before + 1);
  }

  @Test
  void refreshWhenTheCredentialIsGoneThenErrorIsCountedWithAnUnknownType() {
    Map<String, String> error = Map.of("type", "unknown", "outcome", "error");
    RefreshService refresher = server.credflow().services().refresher();
    double before = sample("credflow_refresh_total", error);

    assertThatThrownBy(
            () -> refresher.attempt("0123456789abcdef01234567", new RefreshService.Trigger.OnUse()))
        .isInstanceOf(NotFoundException.class);

    assertThat(sample("credflow_refresh_total", error)).isEqualTo(before + 1);
  }

  @Test
  void accessWhenASecretIsReleasedThenTheAuditWriteIsCounted() {
    String id = imported();
    double before = sample("credflow_audit_writes_total", Map.of());

    assertThat(member.access(id).status()).isEqualTo(200);

    assertThat(sample("credflow_audit_writes_total", Map.of())).isEqualTo(before + 1);
  }

  @Test
  void scrapeWhenRefreshesRanThenNoSecretIsInTheMetrics() {
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(credflow.oauth2Client(), tokens, LIFETIME);
    member.refresh(id);

    String text = server.admin().get("/metrics").text();

    assertThat(text).doesNotContain(tokens.accessToken(), tokens.refreshToken().orElseThrow());
    assertThat(text).doesNotContain(provider.clientSecret(), TestServer.ADMIN_KEY);
  }
}
