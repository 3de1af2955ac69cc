package io.credflow.testing.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.credential.CredentialSecrets;
import io.credflow.testing.Api;
import io.credflow.testing.TestServer;
import io.credflow.testing.WorkspaceApi;
import io.credflow.testing.World;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.documents.Resource;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

/**
 * The Authenticate round trip as a caller of one workspace takes it: start, the browser landing on
 * the callback, the save. Every response goes through {@code leaks}, and so do the tokens a save
 * stored (read in-process as user {@code userId}), as secrets no response may carry.
 */
public record RoundTrip(
    TestServer server, Api caller, String userId, String workspace, LeakCheck leaks) {

  /** The round trip of {@code tenancy}'s member in its workspace. */
  public static RoundTrip of(TestServer server, World.Tenancy tenancy, LeakCheck leaks) {
    return new RoundTrip(
        server, server.as(tenancy.memberKey()), tenancy.memberId(), tenancy.workspace(), leaks);
  }

  /** The same round trip taken by {@code api}'s caller in {@code otherWorkspace}. */
  public RoundTrip as(Api api, String otherWorkspace) {
    return new RoundTrip(server, api, userId, otherWorkspace, leaks);
  }

  /**
   * {@code POST …/authorizations} for {@code authClient} with {@code attributes} (e.g. {@code
   * credential_name}) and more {@code relationships} (e.g. the {@code credential} to
   * re-authenticate).
   */
  public Api.Response start(
      String authClient, Map<String, ?> attributes, Map<String, JsonNode> relationships) {
    Resource start = Authorizations.start(authClient, attributes);
    relationships.forEach(start::relationship);
    return leaks.seen(caller.post(workspaceApi().authorizationsPath(), start.build()));
  }

  /** The browser landing on {@code callback}, asking for JSON when {@code json}. */
  public Api.Response callback(URI callback, boolean json) {
    HttpRequest.Builder request = HttpRequest.newBuilder(callback).GET();
    if (json) {
      request.header("Accept", "application/json");
    }
    return leaks.seen(caller.send(request));
  }

  /** Saves a credential with {@code credentials} ({@code state}, {@code code}). */
  public Api.Response save(String name, String authClient, Map<String, String> credentials) {
    Api.Response saved =
        leaks.seen(
            workspaceApi()
                .post(Credentials.named(name).authClient(authClient).secrets(credentials)));
    if (saved.status() == 201) {
      storedTokens(saved.id());
    }
    return saved;
  }

  /** The tokens a credential stores (read in-process), remembered as secrets. */
  public CredentialSecrets.Tokens storedTokens(String credential) {
    CredentialSecrets.Tokens tokens = server.storedTokens(userId, workspace, credential);
    leaks.secret(tokens.accessToken().reveal());
    tokens.refreshToken().ifPresent(r -> leaks.secret(r.reveal()));
    return tokens;
  }

  /**
   * The last {@code authorization_code} request {@code provider} received (failing when there was
   * none); its {@code code_verifier} is remembered as a secret.
   */
  public RecordedRequest lastCodeExchange(FakeOAuthProvider provider) {
    List<RecordedRequest> exchanges =
        provider.tokenRequests().stream()
            .filter(r -> r.grantType().equals("authorization_code"))
            .toList();
    assertThat(exchanges).isNotEmpty();
    RecordedRequest last = exchanges.getLast();
    last.param("code_verifier").ifPresent(leaks::secret);
    return last;
  }

  private WorkspaceApi workspaceApi() {
    return new WorkspaceApi(caller, workspace);
  }
}
