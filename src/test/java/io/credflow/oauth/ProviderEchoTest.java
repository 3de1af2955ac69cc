package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.store.Jdbc;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.oauth.FakeOAuthProvider.TokenFailure;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A token endpoint that quotes what it received in its {@code error_description} (the refresh
 * token, the client secret, in the forms they travelled in) leaves no trace of them anywhere
 * Credflow keeps or shows that text: the refresh's answer, the credential's {@code error.detail},
 * its events (which every member of the workspace reads) and every row of the database. End to end,
 * on PostgreSQL, whose rows can be read as text whole.
 */
class ProviderEchoTest {
  private static final long LIFETIME = 3600;

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.postgres().manualTime().fakeOAuthProviderPerTest().tenancyPerTest("echo");

  private final TestServer server = credflow.server();
  private final FakeOAuthProvider provider = credflow.provider();
  private final WorkspaceApi member = credflow.member();

  @ParameterizedTest
  @ValueSource(strings = {"post", "basic"})
  void refreshWhenTheTokenEndpointQuotesTheRefreshTokenAndClientSecretThenNeitherIsKeptOrShown(
      String clientAuth) {
    String authClient = credflow.oauth2Client(Map.of("client_auth", clientAuth));
    FakeOAuthProvider.Tokens tokens = provider.issueTokens("read");
    String id = member.importTokens(authClient, tokens, LIFETIME);
    provider.failNext(1, TokenFailure.INVALID_GRANT_ECHOING_THE_REQUEST);

    Api.Response refreshed = member.refresh(id);
    assertThat(refreshed.status()).as(refreshed.text()).isEqualTo(409);
    assertThat(refreshed.error().path("code").asText()).isEqualTo("needs_reauth");
    Api.Response read = member.get(id);
    String detail = read.attributes().path("error").path("detail").asText();
    // The provider's text is there, with what it quoted masked.
    assertThat(detail).contains("invalid_grant").contains("rejected: body").contains("********");
    Api.Response events = member.events(id);
    assertThat(WorkspaceApi.eventTypes(events)).contains("credential.needs_reauth");

    List<String> secrets = forms(tokens.refreshToken().orElseThrow(), provider.clientSecret());
    for (Api.Response r : List.of(refreshed, read, events)) {
      for (String secret : secrets) {
        assertThat(r.text()).as(r.raw().uri().toString()).doesNotContainIgnoringCase(secret);
      }
    }
    String rows = databaseAsText();
    assertThat(rows).contains(detail.substring(0, 40));
    for (String secret : secrets) {
      assertThat(rows).doesNotContainIgnoringCase(secret);
    }
  }

  /** Each secret as it is, form-encoded, and the Basic pair of client id and secret in base64. */
  private List<String> forms(String refreshToken, String clientSecret) {
    String encodedSecret = URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
    String pair =
        URLEncoder.encode(provider.clientId(), StandardCharsets.UTF_8) + ":" + encodedSecret;
    return List.of(
        refreshToken,
        clientSecret,
        encodedSecret,
        Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
  }

  /** Every row of every table, as PostgreSQL prints it. */
  private String databaseAsText() {
    Jdbc jdbc = server.credflow().database().jdbc();
    List<String> tables =
        jdbc.query(
            "SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            rs -> rs.getString(1));
    assertThat(tables).contains("credentials", "credential_events");
    StringBuilder dump = new StringBuilder();
    for (String table : tables) {
      for (String row :
          jdbc.query("SELECT t::text FROM \"" + table + "\" t", rs -> rs.getString(1))) {
        dump.append(table).append(": ").append(row).append('\n');
      }
    }
    return dump.toString();
  }
}
