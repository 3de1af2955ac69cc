package io.credflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.documents.Resource;
import io.credflow.testing.oauth.FakeOAuthProvider;
import java.util.List;
import java.util.Map;

/**
 * One workspace's credentials and events, as one caller ({@code api}): the paths, and the calls
 * tests make again and again ({@code …/access}, {@code …/refresh}, the event log). Calls that
 * assert (their names say what) fail at the call that went wrong.
 */
public record WorkspaceApi(Api api, String workspace) {

  /** {@code /v2/workspaces/{ws}/credentials}. */
  public String credentialsPath() {
    return "/v2/workspaces/" + workspace + "/credentials";
  }

  /** {@code /v2/workspaces/{ws}/credentials/{id}}. */
  public String credentialPath(String credential) {
    return credentialsPath() + "/" + credential;
  }

  /** {@code /v2/workspaces/{ws}/events} of one credential. */
  public String eventsPath(String credential) {
    return "/v2/workspaces/" + workspace + "/events?filter%5Bcredential%5D=" + credential;
  }

  /** {@code /v2/workspaces/{ws}/authorizations}. */
  public String authorizationsPath() {
    return "/v2/workspaces/" + workspace + "/authorizations";
  }

  public Api.Response post(Credentials.Builder credential) {
    return credential.post(api, workspace);
  }

  /** Creates the credential, asserting a 201; returns its id. */
  public String create(Credentials.Builder credential) {
    return credential.create(api, workspace);
  }

  /** Stores {@code tokens} as a new credential named "imported"; returns its id. */
  public String importTokens(
      String authClient, FakeOAuthProvider.Tokens tokens, long expiresInSeconds) {
    return create(
        Credentials.named("imported").authClient(authClient).tokens(tokens, expiresInSeconds));
  }

  /** Stores an Instagram {@code token} as a new credential named "instagram"; returns its id. */
  public String importInstagram(String authClient, String token, long expiresInSeconds) {
    return create(
        Credentials.named("instagram")
            .authClient(authClient)
            .secret("access_token", token)
            .secret("expires_in", expiresInSeconds));
  }

  public Api.Response get(String credential) {
    return api.get(credentialPath(credential));
  }

  /** The credential's attributes as read now. */
  public JsonNode attributes(String credential) {
    return get(credential).attributes();
  }

  /** The credential's state ({@code ready}, {@code needs_reauth}, {@code error}) as read now. */
  public String state(String credential) {
    return attributes(credential).path("state").asText();
  }

  public Api.Response list() {
    return api.get(credentialsPath());
  }

  public Api.Response patch(String credential, ObjectNode doc) {
    return api.patch(credentialPath(credential), doc);
  }

  /**
   * PATCHes the credential's tokens to {@code tokens} (refresh token included), as a person who
   * authenticated again would bring them.
   */
  public Api.Response replaceTokens(
      String credential, FakeOAuthProvider.Tokens tokens, long expiresInSeconds) {
    return patch(
        credential,
        Resource.of("credential")
            .id(credential)
            .attribute(
                "credentials",
                Map.of(
                    "access_token", tokens.accessToken(),
                    "refresh_token", tokens.refreshToken().orElseThrow(),
                    "expires_in", expiresInSeconds))
            .build());
  }

  public Api.Response delete(String credential) {
    return api.delete(credentialPath(credential));
  }

  /** {@code POST …/access}: the real authorization, refreshed first when it is about to expire. */
  public Api.Response access(String credential) {
    return api.post(credentialPath(credential) + "/access", "");
  }

  /** The bearer token {@code …/access} releases, asserting a 200. */
  public String accessToken(String credential) {
    Api.Response r = access(credential);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return bearer(r);
  }

  /** {@code POST …/refresh}: a forced refresh. */
  public Api.Response refresh(String credential) {
    return api.post(credentialPath(credential) + "/refresh", "");
  }

  public Api.Response events(String credential) {
    return api.get(eventsPath(credential));
  }

  /** The {@code credential.*} event types of the credential, oldest first. */
  public List<String> eventTypes(String credential) {
    return eventTypes(events(credential));
  }

  /** Deletes every credential of the workspace this caller can see. */
  public void deleteAllCredentials() {
    for (JsonNode c : list().data()) {
      delete(c.path("id").asText());
    }
  }

  /** The {@code credential.*} event types in an events response, oldest first. */
  public static List<String> eventTypes(Api.Response events) {
    return events.data().findValues("type").stream()
        .map(JsonNode::asText)
        .filter(s -> s.startsWith("credential."))
        .toList();
  }

  /** The bearer token in an access response ({@code header.value} without {@code Bearer }). */
  public static String bearer(Api.Response access) {
    String value = access.attributes().path("header").path("value").asText();
    assertThat(value).as(access.text()).startsWith("Bearer ");
    return value.substring("Bearer ".length());
  }
}
