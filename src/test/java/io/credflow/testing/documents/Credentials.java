package io.credflow.testing.documents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import io.credflow.testing.World;
import io.credflow.testing.oauth.FakeOAuthProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Credential documents for {@code POST /v2/workspaces/{ws}/credentials}, by name: {@code
 * Credentials.named("imported").authClient(id).tokens(tokens, 3600).build()}.
 */
public final class Credentials {
  private Credentials() {}

  public static Builder named(String name) {
    return new Builder(name);
  }

  /**
   * One credential document. Every call returns a new builder and leaves this one as it was, so a
   * partly filled builder serves as a template for several credentials.
   */
  public static final class Builder {
    private final String name;
    private String authClient;
    private String component;
    private final Map<String, Object> secrets;
    private Object secretsAsGiven;

    private Builder(String name) {
      this.name = name;
      this.secrets = new LinkedHashMap<>();
    }

    private Builder(Builder from, String name) {
      this.name = name;
      this.authClient = from.authClient;
      this.component = from.component;
      this.secrets = new LinkedHashMap<>(from.secrets);
      this.secretsAsGiven = from.secretsAsGiven;
    }

    private Builder with(Consumer<Builder> change) {
      Builder b = new Builder(this, name);
      change.accept(b);
      return b;
    }

    /** The same credential under another name. */
    public Builder named(String value) {
      return new Builder(this, value);
    }

    /** The auth-client it is made with (the {@code auth_client} relationship). */
    public Builder authClient(String id) {
      return with(b -> b.authClient = id);
    }

    /** The component it is for, when its auth-client serves several. */
    public Builder component(String id) {
      return with(b -> b.component = id);
    }

    /** One member of the {@code credentials} attribute (the secrets it brings). */
    public Builder secret(String member, Object value) {
      return with(b -> b.secrets.put(member, value));
    }

    public Builder secrets(Map<String, ?> members) {
      return with(b -> b.secrets.putAll(members));
    }

    /**
     * The whole {@code credentials} attribute as given (any JSON value, also a malformed one),
     * instead of the members set one by one.
     */
    public Builder secretsAsGiven(Object value) {
      return with(b -> b.secretsAsGiven = value);
    }

    /**
     * Imported tokens: {@code access_token}, {@code refresh_token} when there is one, and {@code
     * expires_in}.
     */
    public Builder tokens(FakeOAuthProvider.Tokens tokens, long expiresIn) {
      return with(
          b -> {
            b.secrets.put("access_token", tokens.accessToken());
            tokens.refreshToken().ifPresent(r -> b.secrets.put("refresh_token", r));
            b.secrets.put("expires_in", expiresIn);
          });
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
