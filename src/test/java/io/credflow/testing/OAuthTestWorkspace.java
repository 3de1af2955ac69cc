package io.credflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.oauth.FakeOAuthProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tenant, contract and workspace with a REST API V2 component and an {@code oauth2} auth-client
 * at a {@link FakeOAuthProvider}, built through the API as the global admin; credentials are made
 * by importing token pairs the provider issued. Works against any server, not only a {@link
 * TestServer} (a {@link CredflowCluster} node, a child process).
 */
public record OAuthTestWorkspace(String tenant, String workspace, String authClient) {

  /** Builds the workspace through {@code admin} (a global admin client). */
  public static OAuthTestWorkspace create(Api admin, FakeOAuthProvider provider, String label) {
    String tenant =
        World.created(
            admin.post("/v2/tenants", World.doc("tenant", Map.of("name", label), Map.of())));
    String contract =
        World.created(
            admin.post(
                "/v2/contracts",
                World.doc(
                    "contract",
                    Map.of("name", label + " contract"),
                    Map.of("tenant", World.rel("tenant", tenant)))));
    String workspace =
        World.created(
            admin.post(
                "/v2/workspaces",
                World.doc(
                    "workspace",
                    Map.of("name", label + " workspace"),
                    Map.of("contract", World.rel("contract", contract)))));
    Map<String, Object> descriptor =
        Map.of(
            "title",
            "REST API V2",
            "authClientTypes",
            List.of("oauth2"),
            "credentials",
            Map.of(
                "fields", Map.of("auth", Map.of("required", false, "viewClass", "HTTPAuthView"))));
    String component =
        World.created(
            admin.post(
                "/v2/components",
                World.doc(
                    "component",
                    Map.of("name", "REST API V2", "descriptor", descriptor),
                    Map.of("tenant", World.rel("tenant", tenant)))));
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("client_id", provider.clientId());
    settings.put("client_secret", provider.clientSecret());
    settings.put("auth_uri", provider.authorizeUri().toString());
    settings.put("token_uri", provider.tokenUri().toString());
    settings.put("client_auth", "basic");
    String authClient =
        World.created(
            admin.post(
                "/v2/auth-clients", World.authClientDoc(tenant, component, "oauth2", settings)));
    return new OAuthTestWorkspace(tenant, workspace, authClient);
  }

  /** Stores {@code tokens} as a new credential named {@code name}; returns its id. */
  public String importTokens(
      Api api, String name, FakeOAuthProvider.Tokens tokens, long expiresIn) {
    Map<String, Object> secrets = new LinkedHashMap<>();
    secrets.put("access_token", tokens.accessToken());
    tokens.refreshToken().ifPresent(rt -> secrets.put("refresh_token", rt));
    secrets.put("expires_in", expiresIn);
    secrets.put("token_type", "Bearer");
    secrets.put("scope", tokens.scope());
    Api.Response r = api.post(credentials(), World.credentialDoc(name, authClient, secrets));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.id();
  }

  /** {@code /v2/workspaces/{ws}/credentials}. */
  public String credentials() {
    return "/v2/workspaces/" + workspace + "/credentials";
  }

  /** {@code /v2/workspaces/{ws}/credentials/{id}}. */
  public String credential(String id) {
    return credentials() + "/" + id;
  }

  /** {@code POST …/access}: the real authorization, refreshed first when it is about to expire. */
  public Api.Response access(Api api, String id) {
    return api.post(credential(id) + "/access", "");
  }

  /** {@code POST …/refresh}: a forced refresh. */
  public Api.Response refresh(Api api, String id) {
    return api.post(credential(id) + "/refresh", "");
  }

  /** The bearer token in an access response ({@code header.value} without {@code Bearer }). */
  public static String bearer(Api.Response access) {
    String value = access.attributes().path("header").path("value").asText();
    assertThat(value).as(access.text()).startsWith("Bearer ");
    return value.substring("Bearer ".length());
  }
}
