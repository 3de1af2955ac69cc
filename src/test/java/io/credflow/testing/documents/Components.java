package io.credflow.testing.documents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import io.credflow.testing.World;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Component documents for {@code POST /v2/components}, by name: {@code
 * Components.restApiV2().types("oauth2").tenant(id).create(admin)}.
 */
public final class Components {
  /** The auth-client types the usual REST API V2 component accepts. */
  public static final List<String> REST_API_TYPES = List.of("oauth2", "basic", "api_key", "noauth");

  private Components() {}

  /** A component named {@code name} with {@code descriptor} (a map, or JSON from a fixture). */
  public static Builder named(String name, Object descriptor) {
    return new Builder(name, descriptor);
  }

  /**
   * The REST API V2 component: an optional {@code HTTPAuthView} field; accepting {@link
   * #REST_API_TYPES} unless {@link Builder#types} says otherwise.
   */
  public static Builder restApiV2() {
    return new Builder("REST API V2", null);
  }

  /** The Instagram component: a required {@code OAuthFieldView}, the seed's two scopes. */
  public static Builder instagram() {
    return named(
        "Instagram",
        oauthFieldView(
            "Instagram", List.of("oauth2_instagram"), List.of("user_profile", "user_media")));
  }

  /**
   * A descriptor titled {@code title} accepting {@code types}, with a required {@code
   * OAuthFieldView} and {@code scopes} for OAuth2 authorizations.
   */
  public static Map<String, Object> oauthFieldView(
      String title, List<String> types, List<String> scopes) {
    return Map.of(
        "title",
        title,
        "authClientTypes",
        types,
        "credentials",
        Map.of(
            "fields",
            Map.of("auth", Map.of("required", true, "viewClass", "OAuthFieldView")),
            "oauth2",
            Map.of("scopes", scopes)));
  }

  /**
   * One component document. Every call returns a new builder and leaves this one as it was, so a
   * partly filled builder serves as a template for several components.
   */
  public static final class Builder {
    private final String name;
    private final Object descriptor;
    private List<String> types = REST_API_TYPES;
    private String level;
    private String levelId;

    private Builder(String name, Object descriptor) {
      this.name = name;
      this.descriptor = descriptor;
    }

    private Builder with(Consumer<Builder> change) {
      Builder b = new Builder(name, descriptor);
      b.types = types;
      b.level = level;
      b.levelId = levelId;
      change.accept(b);
      return b;
    }

    /** The auth-client types a REST API V2 component accepts. */
    public Builder types(String... values) {
      return types(List.of(values));
    }

    public Builder types(List<String> values) {
      return with(b -> b.types = List.copyOf(values));
    }

    /** Deployed at a level: {@code tenant} or {@code workspace}. */
    public Builder at(String level, String id) {
      return with(
          b -> {
            b.level = level;
            b.levelId = id;
          });
    }

    public Builder tenant(String id) {
      return at("tenant", id);
    }

    public Builder workspace(String id) {
      return at("workspace", id);
    }

    public ObjectNode build() {
      Object d =
          descriptor != null
              ? descriptor
              : Map.of(
                  "title",
                  "REST API V2",
                  "authClientTypes",
                  types,
                  "credentials",
                  Map.of(
                      "fields",
                      Map.of("auth", Map.of("required", false, "viewClass", "HTTPAuthView"))));
      Resource doc = Resource.of("component").attribute("name", name).attribute("descriptor", d);
      if (level != null) {
        doc.relationship(level, level, levelId);
      }
      return doc.build();
    }

    public Api.Response post(Api api) {
      return api.post("/v2/components", build());
    }

    /** Creates it through {@code api}, asserting a 201; returns its id. */
    public String create(Api api) {
      return World.created(post(api));
    }
  }
}
