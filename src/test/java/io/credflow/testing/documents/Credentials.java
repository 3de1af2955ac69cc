package io.credflow.testing.documents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import io.credflow.testing.World;
import io.credflow.testing.oauth.FakeOAuthProvider;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Credential documents for {@code POST /v2/workspaces/{ws}/credentials}, by name: {@code
 * Credentials.named("imported").authClient(id).tokens(tokens, 3600).build()}.
 */
public final class Credentials {
  private Credentials() {}

  public static Builder named(String name) {
    return new Builder(name);
  }

  /** One credential document; mutable, so build one per document. */
  public static final class Builder {
    private final String name;
    private String authClient;
    private String component;
    private final Map<String, Object> secrets = new LinkedHashMap<>();
    private Object secretsAsGiven;

    private Builder(String name) {
      this.name = name;
    }

    /** The auth-client it is made with (the {@code auth_client} relationship). */
    public Builder authClient(String id) {
      authClient = id;
      return this;
    }

    /** The component it is for, when its auth-client serves several. */
    public Builder component(String id) {
      component = id;
      return this;
    }

    /** One member of the {@code credentials} attribute (the secrets it brings). */
    public Builder secret(String member, Object value) {
      secrets.put(member, value);
      return this;
    }

    public Builder secrets(Map<String, ?> members) {
      secrets.putAll(members);
      return this;
    }

    /**
     * The whole {@code credentials} attribute as given (any JSON value, also a malformed one),
     * instead of the members set one by one.
     */
    public Builder secretsAsGiven(Object value) {
      secretsAsGiven = value;
      return this;
    }

    /**
     * Imported tokens: {@code access_token}, {@code refresh_token} when there is one, and {@code
     * expires_in}.
     */
    public Builder tokens(FakeOAuthProvider.Tokens tokens, long expiresIn) {
      secret("access_token", tokens.accessToken());
      tokens.refreshToken().ifPresent(r -> secret("refresh_token", r));
      return secret("expires_in", expiresIn);
    }

    public ObjectNode build() {
      Resource doc =
          Resource.of("credential")
              .attribute("name", name)
              .attribute("credentials", secretsAsGiven != null ? secretsAsGiven : secrets);
      if (authClient != null) {
        doc.relationship("auth_client", "auth-client", authClient);
      }
      if (component != null) {
        doc.relationship("component", "component", component);
      }
      return doc.build();
    }

    /** Posts it to {@code workspace}'s credentials through {@code api}. */
    public Api.Response post(Api api, String workspace) {
      return api.post("/v2/workspaces/" + workspace + "/credentials", build());
    }

    /** Creates it in {@code workspace} through {@code api}, asserting a 201; returns its id. */
    public String create(Api api, String workspace) {
      return World.created(post(api, workspace));
    }

    @Override
    public String toString() {
      return build().toString();
    }
  }
}
