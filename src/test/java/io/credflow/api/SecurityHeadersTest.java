package io.credflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.documents.Resource;
import java.net.http.HttpRequest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every answer, JSON or HTML, refuses content sniffing and framing; the OAuth callback page runs
 * only its own script and tells only a window of Credflow's public origin how the flow ended.
 */
class SecurityHeadersTest {
  private static final String PUBLIC_URL = "https://credflow.example.com:8443/base";

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().configure(c -> c.publicUrl(PUBLIC_URL));

  private final Api admin = credflow.admin();

  private static void assertHardened(Api.Response r) {
    assertThat(r.header("X-Content-Type-Options")).as(r.text()).contains("nosniff");
    assertThat(r.header("X-Frame-Options")).as(r.text()).contains("DENY");
    assertThat(r.header("Content-Security-Policy"))
        .as(r.text())
        .hasValueSatisfying(
            csp ->
                assertThat(csp).contains("frame-ancestors 'none'").contains("default-src 'none'"));
  }

  @Test
  void answerWhenJsonOfAnyKindThenNoSniffingNoFramingAndNothingLoads() {
    Api anonymous = new Api(credflow.server().baseUrl(), null);
    assertHardened(
        admin.post("/v2/tenants", Resource.of("tenant").attribute("name", "headers").build()));
    assertHardened(admin.get("/v2/workspaces"));
    assertHardened(anonymous.get("/v2/workspaces"));
    assertHardened(admin.get("/v2/no-such-route"));
    assertHardened(
        admin.send(admin.builder("/health").method("DELETE", HttpRequest.BodyPublishers.noBody())));
    assertHardened(anonymous.get("/health"));
  }

  @Test
  void answerWhenJettyRefusesTheRequestItselfThenTheSameHeaders() {
    Api.Response tooLong = admin.get("/v2/auth-clients/" + "a".repeat(20_000));
    assertThat(tooLong.status()).isEqualTo(414);
    assertHardened(tooLong);
    Api.Response badEncoding = admin.get("/v2/auth-clients/%ff");
    assertThat(badEncoding.status()).isEqualTo(400);
    assertHardened(badEncoding);
  }

  private Api.Response callbackPage() {
    Api anonymous = new Api(credflow.server().baseUrl(), null);
    return anonymous.send(
        anonymous
            .builder("/callback/oauth2?state=unknown-state&code=c")
            .header("Accept", "text/html")
            .GET());
  }

  @Test
  void callbackPageWhenShownThenCannotBeFramedOrSniffed() {
    Api.Response r = callbackPage();

    assertThat(r.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("html"));
    assertThat(r.header("X-Content-Type-Options")).contains("nosniff");
    assertThat(r.header("X-Frame-Options")).contains("DENY");
    assertThat(r.header("Content-Security-Policy"))
        .hasValueSatisfying(
            csp ->
                assertThat(csp)
                    .contains("frame-ancestors 'none'")
                    .contains("default-src 'none'")
                    .doesNotContain("unsafe-inline"));
  }

  @Test
  void callbackPageWhenShownThenPostsOnlyToCredflowsPublicOriginWithItsOwnScript() {
    Api.Response r = callbackPage();

    assertThat(r.text())
        .contains("postMessage(")
        .contains("'https://credflow.example.com:8443')")
        .doesNotContain("'*'")
        .doesNotContain("/base'");
    Matcher nonce = Pattern.compile("<script nonce=\"([^\"]+)\">").matcher(r.text());
    assertThat(nonce.find()).as(r.text()).isTrue();
    assertThat(r.header("Content-Security-Policy").orElseThrow())
        .contains("script-src 'nonce-" + nonce.group(1) + "'");
    assertThat(callbackPage().text()).doesNotContain(nonce.group(1));
  }
}
