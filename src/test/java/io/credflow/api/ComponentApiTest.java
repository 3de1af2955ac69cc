package io.credflow.api;

import static io.credflow.api.ApiFixtures.componentDoc;
import static io.credflow.api.ApiFixtures.fixture;
import static io.credflow.api.ApiFixtures.ids;
import static io.credflow.api.ApiFixtures.pointers;
import static io.credflow.api.ApiFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ComponentApiTest {
  private static final String DESCRIPTOR = "/data/attributes/descriptor";

  /** Per entry of invalid-descriptors.json: where, below the descriptor, the error points. */
  private static final List<String> INVALID_POINTERS =
      List.of(
          "/authClientTypes/1",
          "/authClientTypes/0",
          "/authClientTypes",
          "/authClientTypes/1",
          "/credentials/fields/auth/viewClass",
          "/credentials/oauth2/scopes",
          "/credentials/fields/auth/viewClass");

  private static TestServer server;
  private static World world;
  private static World.Tenancy shared;

  @BeforeAll
  static void start() {
    server = ApiFixtures.server();
    world = new World(server);
    shared = world.tenancy("components");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Api admin() {
    return server.admin();
  }

  private static Api.Response create(JsonNode descriptor, String level, String levelId) {
    return admin().post("/v2/components", componentDoc("Comp", descriptor, level, levelId));
  }

  private static ObjectNode patchDoc(String id, Map<String, Object> attributes) {
    ObjectNode doc = World.doc("component", attributes, Map.of());
    ((ObjectNode) doc.get("data")).put("id", id);
    return doc;
  }

  @Test
  void createWhenRestApiFixtureAtTenantThen201WithLocationDescriptorAndTenant() {
    JsonNode descriptor = fixture("component-rest-api-v2.json");

    Api.Response r = create(descriptor, "tenant", shared.tenant());

    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.data().path("type").asText()).isEqualTo("component");
    assertThat(r.header("Location")).contains("/v2/components/" + r.id());
    assertThat(r.attributes().path("name").asText()).isEqualTo("Comp");
    assertThat(r.attributes().path("descriptor")).isEqualTo(descriptor);
    assertThat(r.data().path("relationships").path("tenant").path("data").path("id").asText())
        .isEqualTo(shared.tenant());
    assertThat(r.data().path("relationships").has("workspace")).isFalse();
  }

  @Test
  void createWhenInstagramFixtureAtWorkspaceThen201DeployedAtTheWorkspace() {
    JsonNode descriptor = fixture("component-instagram.json");

    Api.Response r = create(descriptor, "workspace", shared.workspace());

    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.attributes().path("descriptor")).isEqualTo(descriptor);
    assertThat(r.data().path("relationships").path("workspace").path("data").path("id").asText())
        .isEqualTo(shared.workspace());
    assertThat(r.data().path("relationships").has("tenant")).isFalse();
    Api.Response read = admin().get("/v2/components/" + r.id());
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.attributes().path("descriptor")).isEqualTo(descriptor);
  }

  static Stream<Arguments> invalidDescriptors() {
    JsonNode entries = fixture("invalid-descriptors.json");
    assertThat(entries.size()).isEqualTo(INVALID_POINTERS.size());
    return IntStream.range(0, entries.size())
        .mapToObj(
            i ->
                Arguments.of(
                    entries.get(i).path("why").asText(),
                    entries.get(i).path("descriptor"),
                    INVALID_POINTERS.get(i)));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("invalidDescriptors")
  void createWhenInvalidDescriptorFixtureThen422PointingAtTheOffendingMember(
      String why, JsonNode descriptor, String pointer) {
    Api.Response r = create(descriptor, "tenant", shared.tenant());

    assertThat(r.status()).as(why + ": " + r.text()).isEqualTo(422);
    assertThat(r.error().path("status").asText()).isEqualTo("422");
    assertThat(r.error().path("code").asText()).isNotBlank();
    assertThat(r.error().path("detail").asText()).isNotBlank();
    assertThat(pointers(r)).as(why).contains(DESCRIPTOR + pointer);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("invalidDescriptors")
  void createWhenInvalidDescriptorFixtureThenNothingIsStored(
      String why, JsonNode descriptor, String pointer) {
    String label = unique("nothing-stored");
    World.Tenancy t = world.tenancy(label);

    Api.Response r = create(descriptor, "tenant", t.tenant());

    assertThat(r.status()).as(why).isEqualTo(422);
    Api.Response list = server.as(t.adminKey()).get("/v2/components");
    assertThat(ids(list)).as(why).containsExactly(t.component());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("invalidDescriptors")
  void patchWhenDescriptorBecomesAnInvalidFixtureThen422AndTheOldDescriptorStays(
      String why, JsonNode descriptor, String pointer) {
    JsonNode valid = fixture("component-rest-api-v2.json");
    String id = World.created(create(valid, "tenant", shared.tenant()));

    Api.Response r =
        admin().patch("/v2/components/" + id, patchDoc(id, Map.of("descriptor", descriptor)));

    assertThat(r.status()).as(why + ": " + r.text()).isEqualTo(422);
    assertThat(pointers(r)).as(why).contains(DESCRIPTOR + pointer);
    assertThat(admin().get("/v2/components/" + id).attributes().path("descriptor"))
        .isEqualTo(valid);
  }

  @Test
  void createWhenBothTenantAndWorkspaceThen422() {
    ObjectNode doc =
        World.doc(
            "component",
            Map.of("name", "x", "descriptor", fixture("component-rest-api-v2.json")),
            Map.of(
                "tenant", World.rel("tenant", shared.tenant()),
                "workspace", World.rel("workspace", shared.workspace())));

    Api.Response r = admin().post("/v2/components", doc);

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.error().path("source").path("pointer").asText()).startsWith("/data/relationships");
  }

  @Test
  void createWhenNeitherTenantNorWorkspaceThen422() {
    ObjectNode doc =
        World.doc(
            "component",
            Map.of("name", "x", "descriptor", fixture("component-rest-api-v2.json")),
            Map.of());

    Api.Response r = admin().post("/v2/components", doc);

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.error().path("source").path("pointer").asText()).startsWith("/data/relationships");
  }

  @Test
  void createWhenDeployedAtAContractThen422() {
    Api.Response r =
        admin()
            .post(
                "/v2/components",
                componentDoc(
                    "x", fixture("component-rest-api-v2.json"), "contract", shared.contract()));

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.error().path("source").path("pointer").asText())
        .isEqualTo("/data/relationships/contract");
  }

  @Test
  void createWhenDescriptorIsMissingThen422AtDescriptor() {
    Api.Response r =
        admin()
            .post(
                "/v2/components",
                World.doc(
                    "component",
                    Map.of("name", "x"),
                    Map.of("tenant", World.rel("tenant", shared.tenant()))));

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactly(DESCRIPTOR);
  }

  @Test
  void createWhenBodyTypeIsAuthClientThen409() {
    ObjectNode doc = componentDoc("x", fixture("component-rest-api-v2.json"), "tenant", "x");
    ((ObjectNode) doc.get("data")).put("type", "auth-client");

    Api.Response r = admin().post("/v2/components", doc);

    assertThat(r.status()).as(r.text()).isEqualTo(409);
  }

  @Test
  void createWhenCallerIsAWorkspaceMemberThen403() {
    Api member = server.as(shared.memberKey());

    Api.Response r =
        member.post(
            "/v2/components",
            componentDoc(
                "x", fixture("component-rest-api-v2.json"), "workspace", shared.workspace()));

    assertThat(r.status()).as(r.text()).isEqualTo(403);
  }

  @Test
  void createWhenTenantAdminDeploysAtTheirWorkspaceThen201() {
    Api tenantAdmin = server.as(shared.adminKey());

    Api.Response r =
        tenantAdmin.post(
            "/v2/components",
            componentDoc(
                "mine", fixture("component-rest-api-v2.json"), "workspace", shared.workspace()));

    assertThat(r.status()).as(r.text()).isEqualTo(201);
  }

  @Test
  void createWhenTenantIsOutsideTheCallersReachThen404() {
    World.Tenancy other = world.tenancy(unique("other"));

    Api.Response r =
        server
            .as(shared.adminKey())
            .post(
                "/v2/components",
                componentDoc("x", fixture("component-rest-api-v2.json"), "tenant", other.tenant()));

    assertThat(r.status()).as(r.text()).isEqualTo(404);
    assertThat(r.error().path("source").path("pointer").asText())
        .isEqualTo("/data/relationships/tenant");
  }

  @Test
  void getWhenCallerIsInTheTenantThenShownAndWhenOutsideThen404() {
    World.Tenancy t = world.tenancy(unique("get"));
    World.Tenancy other = world.tenancy(unique("get-other"));

    Api.Response mine = server.as(t.memberKey()).get("/v2/components/" + t.component());
    Api.Response theirs = server.as(other.memberKey()).get("/v2/components/" + t.component());
    Api.Response missing = server.as(t.memberKey()).get("/v2/components/0123456789abcdef01234567");

    assertThat(mine.status()).as(mine.text()).isEqualTo(200);
    assertThat(mine.id()).isEqualTo(t.component());
    assertThat(mine.attributes().path("descriptor").path("authClientTypes"))
        .hasSize(World.REST_API_TYPES.size());
    assertThat(theirs.status()).isEqualTo(404);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(theirs.error().path("code").asText())
        .isEqualTo(missing.error().path("code").asText());
  }

  @Test
  void listWhenCallerIsATenantMemberThenOnlyThatTenantsComponentsInCreationOrder() {
    World.Tenancy t = world.tenancy(unique("list"));
    World.Tenancy other = world.tenancy(unique("list-other"));
    String second =
        World.created(create(fixture("component-instagram.json"), "tenant", t.tenant()));
    String third =
        World.created(create(fixture("component-rest-api-v2.json"), "workspace", t.workspace()));

    Api.Response r = server.as(t.adminKey()).get("/v2/components");

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(ids(r))
        .containsExactly(t.component(), second, third)
        .doesNotContain(other.component());
    assertThat(r.body().path("links").path("next").isNull()).isTrue();
  }

  @Test
  void listWhenCallerIsAMemberOfAnotherWorkspaceThenWorkspaceComponentsAreHidden() {
    World.Tenancy t = world.tenancy(unique("ws-list"));
    ApiFixtures.Place elsewhere = ApiFixtures.place(server, t.tenant(), unique("elsewhere"));
    ApiFixtures.Person outsider =
        ApiFixtures.person(
            server,
            unique("outsider") + "@example.com",
            "workspaces",
            elsewhere.workspace(),
            "member");
    String wsComponent =
        World.created(create(fixture("component-rest-api-v2.json"), "workspace", t.workspace()));

    Api.Response list = server.as(outsider.apiKey()).get("/v2/components");
    Api.Response get = server.as(outsider.apiKey()).get("/v2/components/" + wsComponent);

    assertThat(ids(list)).contains(t.component()).doesNotContain(wsComponent);
    assertThat(get.status()).isEqualTo(404);
  }

  @Test
  void listWhenPageSizeIsTwoThenLinksNextWalksEveryComponentOnce() {
    World.Tenancy t = world.tenancy(unique("pages"));
    List<String> made = new java.util.ArrayList<>(List.of(t.component()));
    for (int i = 0; i < 4; i++) {
      made.add(World.created(create(fixture("component-rest-api-v2.json"), "tenant", t.tenant())));
    }
    List<Integer> sizes = new java.util.ArrayList<>();

    List<String> walked =
        ApiFixtures.walk(server.as(t.adminKey()), "/v2/components?page[size]=2", 2, sizes);

    assertThat(walked).containsExactlyElementsOf(made);
    assertThat(sizes).containsExactly(2, 2, 1);
  }

  @Test
  void patchWhenNameAndAValidNewDescriptorThen200AndBothAreStored() {
    String id =
        World.created(create(fixture("component-rest-api-v2.json"), "tenant", shared.tenant()));
    JsonNode instagram = fixture("component-instagram.json");

    Api.Response r =
        admin()
            .patch(
                "/v2/components/" + id,
                patchDoc(id, Map.of("name", "Renamed", "descriptor", instagram)));

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    Api.Response read = admin().get("/v2/components/" + id);
    assertThat(read.attributes().path("name").asText()).isEqualTo("Renamed");
    assertThat(read.attributes().path("descriptor")).isEqualTo(instagram);
  }

  @Test
  void patchWhenDescriptorDropsATypeALinkedAuthClientHasThen409AndDescriptorStays() {
    World.Tenancy t = world.tenancy(unique("drop"));
    world.authClient(admin(), t.tenant(), t.component(), "basic", Map.of("name", "u"));
    Api.Response before = admin().get("/v2/components/" + t.component());

    Api.Response r =
        admin()
            .patch(
                "/v2/components/" + t.component(),
                patchDoc(
                    t.component(),
                    Map.of(
                        "descriptor",
                        ApiFixtures.plainDescriptor(List.of("oauth2", "api_key", "noauth")))));

    assertThat(r.status()).as(r.text()).isEqualTo(409);
    assertThat(r.error().path("detail").asText()).contains("basic");
    assertThat(admin().get("/v2/components/" + t.component()).attributes().path("descriptor"))
        .isEqualTo(before.attributes().path("descriptor"));
  }

  @Test
  void patchWhenDescriptorDropsOnlyTypesNoAuthClientHasThen200() {
    World.Tenancy t = world.tenancy(unique("drop-unused"));
    world.authClient(admin(), t.tenant(), t.component(), "basic", Map.of("name", "u"));

    Api.Response r =
        admin()
            .patch(
                "/v2/components/" + t.component(),
                patchDoc(
                    t.component(),
                    Map.of("descriptor", ApiFixtures.plainDescriptor(List.of("basic")))));

    assertThat(r.status()).as(r.text()).isEqualTo(200);
    assertThat(r.attributes().path("descriptor").path("authClientTypes"))
        .containsExactly(Api.JSON.getNodeFactory().textNode("basic"));
  }

  @Test
  void patchWhenIdInBodyDiffersFromUrlThen409() {
    Api.Response r =
        admin()
            .patch(
                "/v2/components/" + shared.component(),
                patchDoc("0123456789abcdef01234567", Map.of("name", "x")));

    assertThat(r.status()).as(r.text()).isEqualTo(409);
  }

  @Test
  void patchWhenCallerIsAMemberThen403AndWhenOutsideThen404() {
    World.Tenancy other = world.tenancy(unique("patch-other"));
    Map<String, Object> rename = Map.of("name", "mine now");

    Api.Response member =
        server
            .as(shared.memberKey())
            .patch("/v2/components/" + shared.component(), patchDoc(shared.component(), rename));
    Api.Response outsider =
        server
            .as(other.adminKey())
            .patch("/v2/components/" + shared.component(), patchDoc(shared.component(), rename));

    assertThat(member.status()).as(member.text()).isEqualTo(403);
    assertThat(outsider.status()).as(outsider.text()).isEqualTo(404);
    assertThat(
            admin().get("/v2/components/" + shared.component()).attributes().path("name").asText())
        .isEqualTo("REST API V2");
  }

  @Test
  void deleteWhenAnAuthClientLinksItThen409AndAfterTheAuthClientIsGoneThen204() {
    World.Tenancy t = world.tenancy(unique("delete"));
    String authClient = world.authClient(admin(), t.tenant(), t.component(), "noauth", Map.of());

    Api.Response refused = admin().delete("/v2/components/" + t.component());

    assertThat(refused.status()).as(refused.text()).isEqualTo(409);
    assertThat(refused.error().path("code").asText()).isEqualTo("component_in_use");
    assertThat(admin().get("/v2/components/" + t.component()).status()).isEqualTo(200);

    assertThat(admin().delete("/v2/auth-clients/" + authClient).status()).isEqualTo(204);
    Api.Response deleted = admin().delete("/v2/components/" + t.component());

    assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);
    assertThat(admin().get("/v2/components/" + t.component()).status()).isEqualTo(404);
    assertThat(admin().delete("/v2/components/" + t.component()).status()).isEqualTo(404);
  }

  @Test
  void deleteWhenCallerIsAWorkspaceMemberThen403() {
    World.Tenancy t = world.tenancy(unique("delete-member"));

    Api.Response r = server.as(t.memberKey()).delete("/v2/components/" + t.component());

    assertThat(r.status()).as(r.text()).isEqualTo(403);
    assertThat(admin().get("/v2/components/" + t.component()).status()).isEqualTo(200);
  }
}
