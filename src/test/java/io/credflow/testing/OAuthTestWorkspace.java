package io.credflow.testing;

import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Components;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.oauth.FakeOAuthProvider;

/**
 * A tenant, contract and workspace with a REST API V2 component and an {@code oauth2} auth-client
 * at a {@link FakeOAuthProvider}, built through the API as the global admin; credentials are made
 * by importing token pairs the provider issued. Works against any server, not only a {@link
 * TestServer} (a {@link CredflowCluster} node, a child process).
 */
public record OAuthTestWorkspace(String tenant, String workspace, String authClient) {

  /** Builds the workspace through {@code admin} (a global admin client). */
  public static OAuthTestWorkspace create(Api admin, FakeOAuthProvider provider, String label) {
    String tenant = World.tenant(admin, label);
    String contract = World.contract(admin, tenant, label + " contract");
    String workspace = World.workspace(admin, contract, label + " workspace");
    String component = Components.restApiV2().types("oauth2").tenant(tenant).create(admin);
    String authClient =
        AuthClients.oauth2()
            .at(provider)
            .clientAuth("basic")
            .tenant(tenant)
            .components(component)
            .create(admin);
    return new OAuthTestWorkspace(tenant, workspace, authClient);
  }

  /** Stores {@code tokens} as a new credential named {@code name}; returns its id. */
  public String importTokens(
      Api api, String name, FakeOAuthProvider.Tokens tokens, long expiresIn) {
    return Credentials.named(name)
        .authClient(authClient)
        .tokens(tokens, expiresIn)
        .secret("token_type", "Bearer")
        .secret("scope", tokens.scope())
        .create(api, workspace);
  }

  /** {@code /v2/workspaces/{ws}/credentials}. */
  public String credentials() {
    return as(null).credentialsPath();
  }

  /** {@code /v2/workspaces/{ws}/credentials/{id}}. */
  public String credential(String id) {
    return as(null).credentialPath(id);
  }

  /** {@code POST …/access}: the real authorization, refreshed first when it is about to expire. */
  public Api.Response access(Api api, String id) {
    return as(api).access(id);
  }

  /** {@code POST …/refresh}: a forced refresh. */
  public Api.Response refresh(Api api, String id) {
    return as(api).refresh(id);
  }

  /** The workspace's credentials and events as {@code api}'s caller. */
  public WorkspaceApi as(Api api) {
    return new WorkspaceApi(api, workspace);
  }

  /** The bearer token in an access response ({@code header.value} without {@code Bearer }). */
  public static String bearer(Api.Response access) {
    return WorkspaceApi.bearer(access);
  }
}
