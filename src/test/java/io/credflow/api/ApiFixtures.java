package io.credflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Components;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shared helpers of the component, auth-client and credential API tests: fixtures from the
 * classpath, extra tenancy nodes, error pointers and list walking.
 */
final class ApiFixtures {
  private static final AtomicInteger LABELS = new AtomicInteger();

  private ApiFixtures() {}

  /**
   * The server of one test class: H2, or PostgreSQL when the system property {@code
   * credflow.test.db} is {@code postgres} (e.g. {@code ./mvnw test -Dcredflow.test.db=postgres}).
   * New classes register {@link CredflowExtension#configuredDatabase()} instead.
   */
  static TestServer server() {
    return "postgres".equals(System.getProperty(CredflowExtension.DATABASE_PROPERTY))
        ? TestServer.postgres()
        : TestServer.h2();
  }

  /** A label no other test of the server used, for tenancies and e-mail addresses. */
  static String unique(String prefix) {
    return prefix + "-" + LABELS.incrementAndGet();
  }

  /** A JSON fixture from {@code src/test/resources/fixtures}. */
  static JsonNode fixture(String name) {
    try (InputStream in = ApiFixtures.class.getResourceAsStream("/fixtures/" + name)) {
      assertThat(in).as("fixture %s on the classpath", name).isNotNull();
      return Api.JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A contract and a workspace in it. */
  record Place(String contract, String workspace) {}

  /** Makes another contract and workspace in {@code tenant}, as the global admin. */
  static Place place(TestServer server, String tenant, String label) {
    String contract = World.contract(server.admin(), tenant, label + " contract");
    return new Place(contract, World.workspace(server.admin(), contract, label + " workspace"));
  }

  /** A user with {@code role} at a level; returns the user's id and API key. */
  record Person(String id, String apiKey) {}

  static Person person(
      TestServer server, String email, String levelPlural, String levelId, String role) {
    Api.Response user = new World(server).user(email);
    World.member(server.admin(), levelPlural, levelId, user.id(), role);
    return new Person(user.id(), World.apiKey(user));
  }

  /** A component document deployed at {@code level} ("tenant" or "workspace"). */
  static ObjectNode componentDoc(String name, Object descriptor, String level, String levelId) {
    return Components.named(name, descriptor).at(level, levelId).build();
  }

  /** Deploys a component with {@code descriptor} as the global admin; returns its id. */
  static String component(TestServer server, Object descriptor, String level, String levelId) {
    return Components.named("C", descriptor).at(level, levelId).create(server.admin());
  }

  /** A descriptor accepting {@code types} with the OAuthFieldView and two scopes. */
  static Map<String, Object> oauthFieldViewDescriptor(List<String> types) {
    return Map.of(
        "title",
        "OAuth component",
        "authClientTypes",
        types,
        "credentials",
        Map.of(
            "fields",
            Map.of("auth", Map.of("viewClass", "OAuthFieldView")),
            "oauth2",
            Map.of("scopes", List.of("user_profile", "user_media"))));
  }

  /** A descriptor accepting {@code types} with no view class. */
  static Map<String, Object> plainDescriptor(List<String> types) {
    return Map.of("title", "plain", "authClientTypes", types);
  }

  /** oauth2 credentials with real-looking endpoints that are never called. */
  static Map<String, Object> oauth2Credentials(String clientId, String secret) {
    return Map.of(
        "client_id",
        clientId,
        "client_secret",
        secret,
        "auth_uri",
        AuthClients.EXAMPLE_AUTH_URI,
        "token_uri",
        AuthClients.EXAMPLE_TOKEN_URI);
  }

  /** The source.pointer of every error of a response. */
  static List<String> pointers(Api.Response r) {
    List<String> out = new ArrayList<>();
    r.body().path("errors").forEach(e -> out.add(e.path("source").path("pointer").asText()));
    return out;
  }

  /** The ids in a list response's data. */
  static List<String> ids(Api.Response r) {
    List<String> out = new ArrayList<>();
    r.body().path("data").forEach(d -> out.add(d.path("id").asText()));
    return out;
  }

  /**
   * Walks a list from {@code path} through every {@code links.next}, asserting each page answers
   * 200 and holds at most {@code pageSize} items; returns every item's id in order.
   */
  static List<String> walk(Api api, String path, int pageSize, List<Integer> pageSizes) {
    List<String> all = new ArrayList<>();
    Set<String> seenLinks = new HashSet<>();
    String next = path;
    while (next != null) {
      assertThat(seenLinks.add(next)).as("links.next repeats %s", next).isTrue();
      Api.Response r = api.get(next);
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.body().path("data").size()).isLessThanOrEqualTo(pageSize);
      pageSizes.add(r.body().path("data").size());
      all.addAll(ids(r));
      JsonNode link = r.body().path("links").path("next");
      next = link.isTextual() ? link.asText() : null;
      assertThat(seenLinks.size()).as("too many pages").isLessThan(100);
    }
    return all;
  }
}
