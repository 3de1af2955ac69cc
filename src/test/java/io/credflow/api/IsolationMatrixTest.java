package io.credflow.api;

import static io.credflow.testing.World.created;
import static io.credflow.testing.World.doc;
import static io.credflow.testing.World.rel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.common.Ids;
import io.credflow.testing.Api;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Cross-tenant isolation (docs/security.md 15, OWASP API1): tenant B's admin and member attempt
 * every verb on every resource of tenant A, and use A's ids in relationships of their own creates.
 * Each attempt must answer exactly as the same request with A's ids swapped for unknown ids (same
 * status, same body), which is {@code 404} wherever the route exists; never {@code 403} (which
 * would confirm that A's resource exists) and never {@code 2xx}. Runs once on H2 and once on
 * PostgreSQL; each database gets one server and one world for all its cases.
 */
class IsolationMatrixTest {

  @Nested
  @DisplayName("on H2")
  class OnH2 extends Matrix {
    OnH2() {
      super(TestServer::h2);
    }
  }

  @Nested
  @DisplayName("on PostgreSQL")
  class OnPostgres extends Matrix {
    OnPostgres() {
      super(TestServer::postgres);
    }
  }

  /** One database's matrix; the in-tenant tests run after the matrix (they create resources). */
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  abstract static class Matrix {
    private static final String OAUTH2_SETTINGS_URI = "https://auth.example.com/";

    private final Supplier<TestServer> start;
    private TestServer server;
    private World world;
    private World.Tenancy a;
    private World.Tenancy b;

    /** A's resources by a readable label; also the ids to swap for unknown ones. */
    private final Map<String, String> aAuthClients = new LinkedHashMap<>();

    private final Map<String, String> aCredentials = new LinkedHashMap<>();
    private String aSecondWorkspace;
    private String aSecondWorkspaceAuthClient;
    private String aSecondWorkspaceCredential;
    private String bAuthClient;
    private final Map<String, String> unknownFor = new LinkedHashMap<>();

    Matrix(Supplier<TestServer> start) {
      this.start = start;
    }

    @BeforeAll
    void buildTwoTenants() {
      server = start.get();
      world = new World(server);
      a = world.tenancy("a");
      b = world.tenancy("b");
      Api aAdmin = server.as(a.adminKey());
      aAuthClients.put(
          "noauth auth-client",
          world.authClient(aAdmin, a.tenant(), a.component(), "noauth", Map.of()));
      aAuthClients.put(
          "basic auth-client",
          world.authClient(aAdmin, a.tenant(), a.component(), "basic", Map.of("name", "ada")));
      aAuthClients.put(
          "api_key auth-client",
          world.authClient(
              aAdmin,
              a.tenant(),
              a.component(),
              "api_key",
              Map.of("name", "X-Api-Key", "value", "a-shared-key")));
      aAuthClients.put(
          "oauth2 auth-client",
          world.authClient(aAdmin, a.tenant(), a.component(), "oauth2", oauth2Settings()));
      aAuthClients.put(
          "workspace-owned auth-client",
          created(
              aAdmin.post(
                  "/v2/auth-clients",
                  ownedBy(
                      World.authClientDoc(
                          a.tenant(), a.component(), "api_key", Map.of("name", "X-Ws-Key")),
                      "workspace",
                      a.workspace()))));
      aAuthClients.put(
          "component-level auth-client",
          created(
              aAdmin.post(
                  "/v2/auth-clients",
                  ownedBy(
                      World.authClientDoc(a.tenant(), a.component(), "noauth", Map.of()),
                      null,
                      null))));
      Api aMember = server.as(a.memberKey());
      String ws = "/v2/workspaces/" + a.workspace() + "/credentials";
      aCredentials.put(
          "noauth credential",
          created(
              aMember.post(
                  ws,
                  World.credentialDoc("open", aAuthClients.get("noauth auth-client"), Map.of()))));
      aCredentials.put(
          "basic credential",
          created(
              aMember.post(
                  ws,
                  World.credentialDoc(
                      "basic",
                      aAuthClients.get("basic auth-client"),
                      Map.of("password", "a-password")))));
      aCredentials.put(
          "api_key credential",
          created(
              aMember.post(
                  ws,
                  World.credentialDoc(
                      "key", aAuthClients.get("api_key auth-client"), Map.of("value", "a-key")))));
      aCredentials.put(
          "oauth2 credential",
          created(
              aMember.post(
                  ws,
                  World.credentialDoc(
                      "tokens",
                      aAuthClients.get("oauth2 auth-client"),
                      Map.of("access_token", "a-access", "refresh_token", "a-refresh")))));
      aCredentials.put(
          "credential of the workspace-owned auth-client",
          created(
              aMember.post(
                  ws,
                  World.credentialDoc(
                      "ws key",
                      aAuthClients.get("workspace-owned auth-client"),
                      Map.of("value", "a-ws-key")))));
      aCredentials.put(
          "credential of the component-level auth-client",
          created(
              aMember.post(
                  ws,
                  World.credentialDoc(
                      "component level",
                      aAuthClients.get("component-level auth-client"),
                      Map.of()))));
      aSecondWorkspace =
          created(
              server
                  .admin()
                  .post(
                      "/v2/workspaces",
                      doc(
                          "workspace",
                          Map.of("name", "a second workspace"),
                          Map.of("contract", rel("contract", a.contract())))));
      aSecondWorkspaceAuthClient =
          created(
              aAdmin.post(
                  "/v2/auth-clients",
                  ownedBy(
                      World.authClientDoc(a.tenant(), a.component(), "noauth", Map.of()),
                      "workspace",
                      aSecondWorkspace)));
      aSecondWorkspaceCredential =
          created(
              aAdmin.post(
                  "/v2/workspaces/" + aSecondWorkspace + "/credentials",
                  World.credentialDoc("second", aSecondWorkspaceAuthClient, Map.of())));
      bAuthClient =
          world.authClient(server.as(b.adminKey()), b.tenant(), b.component(), "noauth", Map.of());
      for (String id : aIds()) {
        unknownFor.put(id, Ids.newId());
      }
    }

    @AfterAll
    void stopServer() {
      if (server != null) {
        server.close();
      }
    }

    private static Map<String, Object> oauth2Settings() {
      return Map.of(
          "client_id",
          "a-client",
          "client_secret",
          "a-client-secret",
          "auth_uri",
          OAUTH2_SETTINGS_URI + "authorize",
          "token_uri",
          OAUTH2_SETTINGS_URI + "token");
    }

    /** Replaces the tenant owner of an auth-client document by {@code level} (none when null). */
    private static ObjectNode ownedBy(ObjectNode doc, String level, String id) {
      ObjectNode rels = (ObjectNode) doc.path("data").path("relationships");
      rels.remove("tenant");
      if (level != null) {
        rels.set(level, rel(level, id));
      }
      return doc;
    }

    private List<String> aIds() {
      List<String> ids = new ArrayList<>();
      ids.addAll(
          List.of(
              a.tenant(),
              a.contract(),
              a.workspace(),
              a.component(),
              a.adminId(),
              a.memberId(),
              aSecondWorkspace,
              aSecondWorkspaceAuthClient,
              aSecondWorkspaceCredential));
      ids.addAll(aAuthClients.values());
      ids.addAll(aCredentials.values());
      return ids;
    }

    /** One request of the matrix; {@code expected} is what an unknown id also gets. */
    record Attempt(String what, String method, String path, String body, int expected) {}

    @TestFactory
    @Order(1)
    Stream<DynamicTest> requestWhenItNamesTenantAResourceAsTenantBThenAnswersAsForAnUnknownId() {
      Map<String, String> before = snapshotOfA();
      Map<String, Integer> countsBefore = globalCounts();
      List<DynamicTest> tests = new ArrayList<>();
      for (String role : List.of("b-admin", "b-member")) {
        Api caller = server.as(role.equals("b-admin") ? b.adminKey() : b.memberKey());
        for (Attempt attempt : attempts(role)) {
          tests.add(
              dynamicTest(
                  attempt.what() + " as " + role + " -> " + attempt.expected(),
                  () -> checkAttempt(caller, attempt)));
        }
        tests.add(
            dynamicTest(
                "lists as " + role + " -> none of A's resources",
                () -> checkListsHideA(caller, role)));
      }
      tests.add(
          dynamicTest(
              "afterwards A's resources are unchanged and readable by A",
              () -> {
                assertThat(snapshotOfA()).isEqualTo(before);
                Api.Response access =
                    server
                        .as(a.memberKey())
                        .post(credentialPath(aCredentials.get("basic credential")) + "/access", "");
                assertThat(access.status()).as(access.text()).isEqualTo(200);
              }));
      tests.add(
          dynamicTest(
              "afterwards nothing was created anywhere",
              () -> assertThat(globalCounts()).isEqualTo(countsBefore)));
      return tests.stream();
    }

    private List<Attempt> attempts(String role) {
      boolean admin = role.equals("b-admin");
      List<Attempt> list = new ArrayList<>();
      for (String level : List.of("tenant", "contract", "workspace")) {
        String id =
            switch (level) {
              case "tenant" -> a.tenant();
              case "contract" -> a.contract();
              default -> a.workspace();
            };
        String path = "/v2/" + level + "s/" + id;
        list.add(new Attempt(level + " GET", "GET", path, null, 404));
        // The API has no PATCH or DELETE for tenancy nodes: 405, as for any id.
        list.add(new Attempt(level + " PATCH", "PATCH", path, rename(level, id), 405));
        list.add(new Attempt(level + " DELETE", "DELETE", path, null, 405));
        list.add(new Attempt(level + " members GET", "GET", path + "/members", null, 404));
        list.add(
            new Attempt(
                level + " members POST",
                "POST",
                path + "/members",
                memberDoc(b.memberId(), "admin"),
                404));
        list.add(
            new Attempt(
                level + " members DELETE",
                "DELETE",
                path + "/members/" + (level.equals("workspace") ? a.memberId() : a.adminId()),
                null,
                404));
      }
      String component = "/v2/components/" + a.component();
      list.add(new Attempt("component GET", "GET", component, null, 404));
      list.add(
          new Attempt(
              "component PATCH", "PATCH", component, rename("component", a.component()), 404));
      list.add(new Attempt("component DELETE", "DELETE", component, null, 404));
      aAuthClients.forEach(
          (label, id) -> {
            String path = "/v2/auth-clients/" + id;
            list.add(new Attempt(label + " GET", "GET", path, null, 404));
            list.add(new Attempt(label + " PATCH", "PATCH", path, rename("auth-client", id), 404));
            list.add(new Attempt(label + " DELETE", "DELETE", path, null, 404));
          });
      aCredentials.forEach(
          (label, id) -> {
            String path = credentialPath(id);
            list.add(new Attempt(label + " GET", "GET", path, null, 404));
            list.add(new Attempt(label + " PATCH", "PATCH", path, rename("credential", id), 404));
            list.add(new Attempt(label + " DELETE", "DELETE", path, null, 404));
            list.add(new Attempt(label + " POST access", "POST", path + "/access", null, 404));
          });
      String viaB =
          "/v2/workspaces/"
              + b.workspace()
              + "/credentials/"
              + aCredentials.get("basic credential");
      list.add(new Attempt("A's credential under B's workspace GET", "GET", viaB, null, 404));
      list.add(
          new Attempt(
              "A's credential under B's workspace POST access",
              "POST",
              viaB + "/access",
              null,
              404));
      list.add(
          new Attempt(
              "A's credential under B's workspace PATCH",
              "PATCH",
              viaB,
              rename("credential", aCredentials.get("basic credential")),
              404));
      for (String user : List.of(a.adminId(), a.memberId())) {
        String label = user.equals(a.adminId()) ? "A's admin user" : "A's member user";
        String path = "/v2/users/" + user;
        list.add(new Attempt(label + " GET", "GET", path, null, 404));
        list.add(
            new Attempt(
                label + " PATCH",
                "PATCH",
                path,
                doc("user", Map.of("email", "pwned@example.com"), Map.of())
                    .put("id", user)
                    .toString(),
                405));
        list.add(new Attempt(label + " DELETE", "DELETE", path, null, 405));
      }
      list.add(
          new Attempt(
              "credentials list of A's workspace",
              "GET",
              "/v2/workspaces/" + a.workspace() + "/credentials",
              null,
              404));
      list.add(
          new Attempt(
              "auth-clients list for A's workspace",
              "GET",
              "/v2/auth-clients?workspace_id=" + a.workspace(),
              null,
              404));
      relationshipAttempts(list, admin);
      return list;
    }

    /** B's creates and changes that name A's resources in their relationships. */
    private void relationshipAttempts(List<Attempt> list, boolean admin) {
      list.add(
          new Attempt(
              "contract POST under A's tenant",
              "POST",
              "/v2/contracts",
              doc("contract", Map.of("name", "x"), Map.of("tenant", rel("tenant", a.tenant())))
                  .toString(),
              404));
      list.add(
          new Attempt(
              "workspace POST under A's contract",
              "POST",
              "/v2/workspaces",
              doc(
                      "workspace",
                      Map.of("name", "x"),
                      Map.of("contract", rel("contract", a.contract())))
                  .toString(),
              404));
      for (String level : List.of("tenant", "workspace")) {
        String at = level.equals("tenant") ? a.tenant() : a.workspace();
        list.add(
            new Attempt(
                "component POST at A's " + level,
                "POST",
                "/v2/components",
                doc(
                        "component",
                        Map.of(
                            "name",
                            "x",
                            "descriptor",
                            Map.of("authClientTypes", List.of("noauth"))),
                        Map.of(level, rel(level, at)))
                    .toString(),
                404));
      }
      list.add(
          new Attempt(
              "auth-client POST linking A's component, owned by B's tenant",
              "POST",
              "/v2/auth-clients",
              World.authClientDoc(b.tenant(), a.component(), "noauth", Map.of()).toString(),
              404));
      list.add(
          new Attempt(
              "auth-client POST linking B's and A's components",
              "POST",
              "/v2/auth-clients",
              withSecondComponent(
                      World.authClientDoc(b.tenant(), b.component(), "noauth", Map.of()),
                      a.component())
                  .toString(),
              404));
      list.add(
          new Attempt(
              "component-level auth-client POST linking A's component",
              "POST",
              "/v2/auth-clients",
              ownedBy(
                      World.authClientDoc(b.tenant(), a.component(), "noauth", Map.of()),
                      null,
                      null)
                  .toString(),
              404));
      for (String level : List.of("tenant", "contract", "workspace")) {
        String owner =
            switch (level) {
              case "tenant" -> a.tenant();
              case "contract" -> a.contract();
              default -> a.workspace();
            };
        list.add(
            new Attempt(
                "auth-client POST owned by A's " + level,
                "POST",
                "/v2/auth-clients",
                ownedBy(
                        World.authClientDoc(b.tenant(), b.component(), "noauth", Map.of()),
                        level,
                        owner)
                    .toString(),
                404));
      }
      aAuthClients.forEach(
          (label, id) ->
              list.add(
                  new Attempt(
                      "credential POST in B's workspace with A's " + label,
                      "POST",
                      "/v2/workspaces/" + b.workspace() + "/credentials",
                      World.credentialDoc("x", id, credentialsFor(label)).toString(),
                      404)));
      // A member of B may not manage its own tenant's auth-clients and members: the role check
      // answers 403 about B's own resources before A's id is looked at, as for an unknown id.
      ObjectNode patch = doc("auth-client", Map.of(), Map.of());
      ((ObjectNode) patch.path("data")).put("id", bAuthClient);
      ((ObjectNode) patch.path("data"))
          .putObject("relationships")
          .set("components", toMany(b.component(), a.component()));
      list.add(
          new Attempt(
              "B's auth-client PATCH linking A's component",
              "PATCH",
              "/v2/auth-clients/" + bAuthClient,
              patch.toString(),
              admin ? 404 : 403));
      list.add(
          new Attempt(
              "B's tenant members POST with A's admin user",
              "POST",
              "/v2/tenants/" + b.tenant() + "/members",
              memberDoc(a.adminId(), "member"),
              admin ? 404 : 403));
      list.add(
          new Attempt(
              "B's workspace members POST with A's member user",
              "POST",
              "/v2/workspaces/" + b.workspace() + "/members",
              memberDoc(a.memberId(), "member"),
              admin ? 404 : 403));
    }

    private static Map<String, Object> credentialsFor(String authClientLabel) {
      if (authClientLabel.startsWith("basic")) {
        return Map.of("password", "x");
      }
      if (authClientLabel.startsWith("oauth2")) {
        return Map.of("access_token", "x");
      }
      if (authClientLabel.startsWith("workspace-owned")) {
        return Map.of("value", "x");
      }
      return Map.of();
    }

    private static ObjectNode withSecondComponent(ObjectNode doc, String component) {
      ((com.fasterxml.jackson.databind.node.ArrayNode)
              doc.path("data").path("relationships").path("components").path("data"))
          .addObject()
          .put("type", "component")
          .put("id", component);
      return doc;
    }

    private static JsonNode toMany(String... components) {
      ObjectNode rel = Api.JSON.createObjectNode();
      var data = rel.putArray("data");
      for (String c : components) {
        data.addObject().put("type", "component").put("id", c);
      }
      return rel;
    }

    private static String rename(String type, String id) {
      ObjectNode d = doc(type, Map.of("name", "renamed by b"), Map.of());
      ((ObjectNode) d.path("data")).put("id", id);
      return d.toString();
    }

    private static String memberDoc(String user, String role) {
      return doc("member", Map.of("role", role), Map.of("user", rel("user", user))).toString();
    }

    private String credentialPath(String id) {
      return "/v2/workspaces/" + a.workspace() + "/credentials/" + id;
    }

    /** Sends the attempt, and its twin with every A id swapped for an unknown one. */
    private void checkAttempt(Api caller, Attempt attempt) {
      Api.Response real = send(caller, attempt.method(), attempt.path(), attempt.body());
      Api.Response twin =
          send(caller, attempt.method(), toUnknown(attempt.path()), toUnknown(attempt.body()));
      assertThat(real.status()).as(real.text()).isEqualTo(attempt.expected());
      assertThat(real.body().path("errors").isArray()).as(real.text()).isTrue();
      assertThat(real.error().path("status").asText()).isEqualTo(Integer.toString(real.status()));
      assertThat(real.header("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/vnd.api+json"));
      assertThat(twin.status()).as("the same request with unknown ids").isEqualTo(real.status());
      assertThat(fromUnknown(twin.text()))
          .as("the answer must not differ from the one for unknown ids")
          .isEqualTo(real.text());
    }

    private static Api.Response send(Api caller, String method, String path, String body) {
      HttpRequest.Builder r = caller.builder(path);
      if (body == null) {
        r.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        r.header("Content-Type", "application/vnd.api+json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
      }
      return caller.send(r);
    }

    private String toUnknown(String s) {
      if (s == null) {
        return null;
      }
      for (var e : unknownFor.entrySet()) {
        s = s.replace(e.getKey(), e.getValue());
      }
      return s;
    }

    private String fromUnknown(String s) {
      for (var e : unknownFor.entrySet()) {
        s = s.replace(e.getValue(), e.getKey());
      }
      return s;
    }

    private void checkListsHideA(Api caller, String role) {
      List<String> paths =
          List.of(
              "/v2/workspaces?page[size]=500",
              "/v2/components?page[size]=500",
              "/v2/auth-clients?page[size]=500",
              "/v2/auth-clients?page[size]=500&workspace_id=" + b.workspace(),
              "/v2/auth-clients?page[size]=500&filter[component]=" + a.component(),
              "/v2/workspaces/" + b.workspace() + "/credentials?page[size]=500");
      for (String path : paths) {
        Api.Response r = caller.get(path.replace("[", "%5B").replace("]", "%5D"));
        assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(200);
        for (String id : aIds()) {
          assertThat(r.text()).as(path + " as " + role).doesNotContain(id);
        }
      }
      // The lists are not empty by accident: B sees its own workspace, component, auth-client.
      assertThat(caller.get("/v2/workspaces").text()).contains(b.workspace());
      assertThat(caller.get("/v2/components").text()).contains(b.component());
      assertThat(caller.get("/v2/auth-clients").text()).contains(bAuthClient);
    }

    /** Every A resource as A's admin reads it, by path. */
    private Map<String, String> snapshotOfA() {
      Api aAdmin = server.as(a.adminKey());
      List<String> paths = new ArrayList<>();
      paths.add("/v2/tenants/" + a.tenant());
      paths.add("/v2/contracts/" + a.contract());
      paths.add("/v2/workspaces/" + a.workspace());
      paths.add("/v2/components/" + a.component());
      paths.add("/v2/users/" + a.adminId());
      paths.add("/v2/users/" + a.memberId());
      for (String level : List.of("tenants", "contracts", "workspaces")) {
        String id =
            switch (level) {
              case "tenants" -> a.tenant();
              case "contracts" -> a.contract();
              default -> a.workspace();
            };
        paths.add("/v2/" + level + "/" + id + "/members");
      }
      aAuthClients.values().forEach(id -> paths.add("/v2/auth-clients/" + id));
      aCredentials.values().forEach(id -> paths.add(credentialPath(id)));
      paths.add("/v2/workspaces/" + a.workspace() + "/credentials");
      paths.add("/v2/auth-clients?workspace_id=" + a.workspace());
      Map<String, String> snapshot = new LinkedHashMap<>();
      for (String path : paths) {
        Api.Response r = aAdmin.get(path);
        assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(200);
        snapshot.put(path, r.text());
      }
      return snapshot;
    }

    /** How many resources of each kind exist, as the global admin counts them. */
    private Map<String, Integer> globalCounts() {
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (String path :
          List.of(
              "/v2/workspaces",
              "/v2/components",
              "/v2/auth-clients",
              "/v2/workspaces/" + b.workspace() + "/credentials",
              "/v2/tenants/" + b.tenant() + "/members",
              "/v2/workspaces/" + b.workspace() + "/members")) {
        Api.Response r =
            server.admin().get(path + (path.contains("members") ? "" : "?page%5Bsize%5D=500"));
        assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(200);
        counts.put(path, r.data().size());
      }
      return counts;
    }

    // ---- in-tenant rules (run after the matrix: they create resources in A) ----

    @Test
    @Order(2)
    void readWhenWorkspaceMemberAsksForAnotherWorkspaceOfItsTenantThen404AsForAnUnknownId() {
      Api member = server.as(a.memberKey());
      List<String> hidden =
          List.of(
              "/v2/workspaces/" + aSecondWorkspace,
              "/v2/workspaces/" + aSecondWorkspace + "/credentials",
              "/v2/workspaces/" + aSecondWorkspace + "/credentials/" + aSecondWorkspaceCredential,
              "/v2/workspaces/" + aSecondWorkspace + "/members",
              "/v2/auth-clients/" + aSecondWorkspaceAuthClient,
              "/v2/auth-clients?workspace_id=" + aSecondWorkspace);
      for (String path : hidden) {
        Api.Response r = member.get(path);
        Api.Response unknown = member.get(toUnknown(path));
        assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(404);
        assertThat(fromUnknown(unknown.text())).as(path).isEqualTo(r.text());
      }
      Api.Response create =
          member.post(
              "/v2/workspaces/" + aSecondWorkspace + "/credentials",
              World.credentialDoc("x", aAuthClients.get("noauth auth-client"), Map.of()));
      assertThat(create.status()).as(create.text()).isEqualTo(404);
      Api.Response ownWorkspace =
          member.post(
              "/v2/workspaces/" + a.workspace() + "/credentials",
              World.credentialDoc("x", aSecondWorkspaceAuthClient, Map.of()));
      assertThat(ownWorkspace.status()).as(ownWorkspace.text()).isEqualTo(404);
      assertThat(ownWorkspace.error().path("source").path("pointer").asText())
          .isEqualTo("/data/relationships/auth_client");
      Map<String, String> listAndVisible =
          Map.of(
              "/v2/workspaces", a.workspace(),
              "/v2/auth-clients", aAuthClients.get("noauth auth-client"));
      listAndVisible.forEach(
          (list, visible) -> {
            Api.Response r = member.get(list);
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            assertThat(r.text())
                .contains(visible)
                .doesNotContain(aSecondWorkspace)
                .doesNotContain(aSecondWorkspaceAuthClient);
          });
    }

    @Test
    @Order(3)
    void createAuthClientWhenCallerIsAWorkspaceMemberThen403AndNothingIsStored() {
      Api member = server.as(a.memberKey());
      int before = server.admin().get("/v2/auth-clients?page%5Bsize%5D=500").data().size();
      List<ObjectNode> docs =
          List.of(
              World.authClientDoc(a.tenant(), a.component(), "noauth", Map.of()),
              ownedBy(
                  World.authClientDoc(a.tenant(), a.component(), "noauth", Map.of()),
                  "contract",
                  a.contract()),
              ownedBy(
                  World.authClientDoc(a.tenant(), a.component(), "noauth", Map.of()),
                  "workspace",
                  a.workspace()),
              ownedBy(
                  World.authClientDoc(a.tenant(), a.component(), "noauth", Map.of()), null, null));
      for (ObjectNode d : docs) {
        Api.Response r = member.post("/v2/auth-clients", d);
        assertThat(r.status()).as(d + ": " + r.text()).isEqualTo(403);
        assertThat(r.error().path("code").asText()).isEqualTo("forbidden");
        assertThat(r.error().path("status").asText()).isEqualTo("403");
      }
      String tenantClient = aAuthClients.get("noauth auth-client");
      Api.Response patch =
          member.patch("/v2/auth-clients/" + tenantClient, rename("auth-client", tenantClient));
      assertThat(patch.status()).as(patch.text()).isEqualTo(403);
      Api.Response delete = member.delete("/v2/auth-clients/" + tenantClient);
      assertThat(delete.status()).as(delete.text()).isEqualTo(403);
      assertThat(server.admin().get("/v2/auth-clients?page%5Bsize%5D=500").data().size())
          .isEqualTo(before);
    }

    @Test
    @Order(4)
    void createAuthClientWhenCallerIsTheTenantAdminThen201AndTheMemberCanUseIt() {
      Api admin = server.as(a.adminKey());
      String atTenant =
          created(
              admin.post(
                  "/v2/auth-clients",
                  World.authClientDoc(a.tenant(), a.component(), "basic", Map.of("name", "bo"))));
      String atWorkspace =
          created(
              admin.post(
                  "/v2/auth-clients",
                  ownedBy(
                      World.authClientDoc(a.tenant(), a.component(), "noauth", Map.of()),
                      "workspace",
                      a.workspace())));
      Api member = server.as(a.memberKey());
      assertThat(member.get("/v2/auth-clients/" + atTenant).status()).isEqualTo(200);
      Api.Response usable = member.get("/v2/auth-clients?workspace_id=" + a.workspace());
      assertThat(usable.text()).contains(atTenant, atWorkspace);
      Api.Response credential =
          member.post(
              "/v2/workspaces/" + a.workspace() + "/credentials",
              World.credentialDoc("mine", atWorkspace, Map.of()));
      assertThat(credential.status()).as(credential.text()).isEqualTo(201);
      Api.Response otherTenant = server.as(b.adminKey()).get("/v2/auth-clients/" + atTenant);
      assertThat(otherTenant.status()).isEqualTo(404);
    }
  }
}
