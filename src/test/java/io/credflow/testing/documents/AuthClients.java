package io.credflow.testing.documents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import io.credflow.testing.World;
import io.credflow.testing.oauth.FakeInstagram;
import io.credflow.testing.oauth.FakeOAuthProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Auth-client documents for {@code POST /v2/auth-clients}, by name: {@code
 * AuthClients.oauth2().at(provider).clientAuth("basic").in(tenancy).create(admin)}. A builder is
 * named {@code <type> client} unless told otherwise, has no owner (component level) until one is
 * named, and only the credentials it is given ({@link #oauth2()} starts with example endpoints).
 */
public final class AuthClients {
  /** Endpoints that look real and are never called: for auth-clients that only get stored. */
  public static final String EXAMPLE_AUTH_URI = "https://idp.example.com/authorize";

  public static final String EXAMPLE_TOKEN_URI = "https://idp.example.com/token";

  private AuthClients() {}

  /** An auth-client of {@code type}, spelled as given (also wrongly, for tests of bad input). */
  public static Builder of(String type) {
    return new Builder(type);
  }

  public static Builder noauth() {
    return of("noauth");
  }

  public static Builder basic() {
    return of("basic");
  }

  public static Builder apiKey() {
    return of("api_key");
  }

  /**
   * An {@code oauth2} auth-client with {@link #EXAMPLE_AUTH_URI} and {@link #EXAMPLE_TOKEN_URI}.
   */
  public static Builder oauth2() {
    return of("oauth2").authUri(EXAMPLE_AUTH_URI).tokenUri(EXAMPLE_TOKEN_URI);
  }

  public static Builder instagram() {
    return of("oauth2_instagram");
  }

  /**
   * {@code PATCH /v2/auth-clients/{id}} through {@code api} with only these members of its {@code
   * credentials} (the others stay as they are).
   */
  public static Api.Response patchCredentials(Api api, String id, Map<String, ?> members) {
    return api.patch(
        "/v2/auth-clients/" + id,
        Resource.of("auth-client").id(id).attribute("credentials", members).build());
  }

  /**
   * One auth-client document. Every call returns a new builder and leaves this one as it was, so a
   * partly filled builder serves as a template for several auth-clients.
   */
  public static final class Builder {
    private final String type;
    private String name;
    private final Map<String, Object> credentials;
    private Object credentialsAsGiven;
    private final List<String> components;
    private String ownerLevel;
    private String ownerId;

    private Builder(String type) {
      this.type = type;
      this.name = type + " client";
      this.credentials = new LinkedHashMap<>();
      this.components = new ArrayList<>();
    }

    private Builder(Builder from) {
      this.type = from.type;
      this.name = from.name;
      this.credentials = new LinkedHashMap<>(from.credentials);
      this.credentialsAsGiven = from.credentialsAsGiven;
      this.components = new ArrayList<>(from.components);
      this.ownerLevel = from.ownerLevel;
      this.ownerId = from.ownerId;
    }

    private Builder with(Consumer<Builder> change) {
      Builder b = new Builder(this);
      change.accept(b);
      return b;
    }

    public Builder name(String value) {
      return with(b -> b.name = value);
    }

    /** One member of the {@code credentials} attribute (the type's settings). */
    public Builder credential(String member, Object value) {
      return with(b -> b.credentials.put(member, value));
    }

    public Builder credentials(Map<String, ?> members) {
      return with(b -> b.credentials.putAll(members));
    }

    /**
     * The whole {@code credentials} attribute as given (any JSON value, also a malformed one),
     * instead of the members set one by one.
     */
    public Builder credentialsAsGiven(Object value) {
      return with(b -> b.credentialsAsGiven = value);
    }

    public Builder clientId(String value) {
      return credential("client_id", value);
    }

    public Builder clientSecret(String value) {
      return credential("client_secret", value);
    }

    public Builder authUri(Object value) {
      return credential("auth_uri", value.toString());
    }

    public Builder tokenUri(Object value) {
      return credential("token_uri", value.toString());
    }

    public Builder revocationUri(Object value) {
      return credential("revocation_uri", value.toString());
    }

    /** {@code basic} or {@code post}: how the client authenticates at the token endpoint. */
    public Builder clientAuth(String value) {
      return credential("client_auth", value);
    }

    /** The client id, secret and endpoints of {@code provider}. */
    public Builder at(FakeOAuthProvider provider) {
      return clientId(provider.clientId())
          .clientSecret(provider.clientSecret())
          .authUri(provider.authorizeUri())
          .tokenUri(provider.tokenUri());
    }

    /** The client id, secret and all four endpoints of {@code instagram}. */
    public Builder at(FakeInstagram instagram) {
      return clientId(instagram.clientId())
          .clientSecret(instagram.clientSecret())
          .authUri(instagram.authorizeUri())
          .tokenUri(instagram.tokenUri())
          .credential("exchange_uri", instagram.exchangeUri().toString())
          .credential("refresh_uri", instagram.refreshUri().toString());
    }

    /** The components it is for, in order (the {@code components} relationship). */
    public Builder components(String... ids) {
      return components(List.of(ids));
    }

    public Builder components(List<String> ids) {
      return with(b -> b.components.addAll(ids));
    }

    /** Owned at a level: {@code tenant}, {@code contract} or {@code workspace}. */
    public Builder owner(String level, String id) {
      return with(
          b -> {
            b.ownerLevel = level;
            b.ownerId = id;
          });
    }

    public Builder tenant(String id) {
      return owner("tenant", id);
    }

    public Builder contract(String id) {
      return owner("contract", id);
    }

    public Builder workspace(String id) {
      return owner("workspace", id);
    }

    /** Owned by the tenancy's tenant, for its REST API V2 component. */
    public Builder in(World.Tenancy tenancy) {
      return tenant(tenancy.tenant()).components(tenancy.component());
    }

    public ObjectNode build() {
      Resource doc =
          Resource.of("auth-client")
              .attribute("type", type)
              .attribute("name", name)
              .attribute(
                  "credentials", credentialsAsGiven != null ? credentialsAsGiven : credentials);
      if (ownerLevel != null) {
        doc.relationship(ownerLevel, ownerLevel, ownerId);
      }
      return doc.relationship("components", "component", components).build();
    }

    public Api.Response post(Api api) {
      return api.post("/v2/auth-clients", build());
    }

    /** Creates it through {@code api}, asserting a 201; returns its id. */
    public String create(Api api) {
      return World.created(post(api));
    }

    @Override
    public String toString() {
      return build().toString();
    }
  }
}
