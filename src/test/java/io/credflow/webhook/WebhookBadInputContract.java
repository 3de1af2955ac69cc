package io.credflow.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.World;
import io.credflow.testing.documents.Resource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook routes' answers to bad input and to callers without the right: a 4xx JSON:API error
 * naming each problem at its pointer (several at once in one answer), nothing stored or changed;
 * admins only, another workspace's subscription a 404; the secret write-only, shown once when
 * generated. Subclasses name the database.
 */
abstract class WebhookBadInputContract {
  private static final String A = "/data/attributes/";
  private static final String URL = "https://hooks.example.com/credflow";

  abstract CredflowExtension credflow();

  static CredflowExtension server(boolean postgres) {
    return CredflowExtension.database(postgres).tenancy("webhook-input");
  }

  private final Api admin = credflow().admin();
  private String hooks;

  @BeforeEach
  void path() {
    hooks = "/v2/workspaces/" + credflow().tenancy().workspace() + "/webhooks";
  }

  private static ObjectNode doc(Map<String, Object> attributes) {
    return Resource.of("webhook").attributes(attributes).build();
  }

  private static Map<String, Object> valid() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("url", URL);
    a.put("event_types", List.of("credential.refreshed", "run.failed"));
    return a;
  }

  private static Map<String, Object> with(String name, Object value) {
    Map<String, Object> a = valid();
    a.put(name, value);
    return a;
  }

  private int count() {
    Api.Response r = admin.get(hooks + "?page[size]=500");
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.body().path("data").size();
  }

  private static List<String> pointers(Api.Response r) {
    List<String> out = new ArrayList<>();
    r.body().path("errors").forEach(e -> out.add(e.path("source").path("pointer").asText()));
    return out;
  }

  /** POSTs {@code body}; asserts the status, nothing stored, and returns the answer. */
  private Api.Response refusedCreate(ObjectNode body, int status) {
    int before = count();
    Api.Response r = admin.post(hooks, body);
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.body().path("errors").size()).as(r.text()).isPositive();
    r.body()
        .path("errors")
        .forEach(e -> assertThat(e.path("detail").asText()).as(r.text()).isNotBlank());
    assertThat(count()).isEqualTo(before);
    return r;
  }

  private String created() {
    Api.Response r = admin.post(hooks, doc(valid()));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.id();
  }

  @Test
  void createWhenEmptyThenUrlAndEventTypesAreBothNamedAndNothingStored() {
    Api.Response r = refusedCreate(doc(Map.of()), 422);

    assertThat(pointers(r)).containsExactlyInAnyOrder(A + "url", A + "event_types");
  }

  @Test
  void createWhenEveryMemberIsWrongThenEachIsNamedAtItsPointerInOneAnswer() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("url", "ftp://hooks.example.com/x");
    a.put("event_types", List.of("credential.refreshed", "credential.exploded", 7));
    a.put("secret", "too-short");
    a.put("active", "yes");

    Api.Response r = refusedCreate(doc(a), 422);

    assertThat(pointers(r))
        .containsExactlyInAnyOrder(
            A + "url", A + "event_types/1", A + "event_types/2", A + "secret", A + "active");
    assertThat(r.text()).doesNotContain("too-short");
  }

  @Test
  void createWhenUrlIsRefusedByTheOutboundGuardThen422AtUrl() {
    for (Object url :
        List.of(
            "https://169.254.169.254/latest/meta-data",
            "https://user:pass@hooks.example.com/x",
            "hooks.example.com/no-scheme",
            "https://hooks.example.com/x#fragment",
            "https://bad host/",
            42,
            "https://hooks.example.com/" + "x".repeat(2100))) {
      Api.Response r = refusedCreate(doc(with("url", url)), 422);
      assertThat(pointers(r)).as(r.text()).containsExactly(A + "url");
    }
  }

  @Test
  void createWhenEventTypesAreEmptyDuplicatedOrNotAListThen422AtThem() {
    assertThat(pointers(refusedCreate(doc(with("event_types", List.of())), 422)))
        .containsExactly(A + "event_types");
    assertThat(pointers(refusedCreate(doc(with("event_types", "run.failed")), 422)))
        .containsExactly(A + "event_types");
    assertThat(
            pointers(
                refusedCreate(doc(with("event_types", List.of("run.failed", "run.failed"))), 422)))
        .containsExactly(A + "event_types/1");
    // The ping is sent on request, never subscribed to.
    assertThat(pointers(refusedCreate(doc(with("event_types", List.of("webhook.ping"))), 422)))
        .containsExactly(A + "event_types/0");
  }

  @Test
  void createWhenDocumentIsMalformedThen4xxAtItsPointer() {
    Api.Response unknown = refusedCreate(doc(with("colour", "blue")), 422);
    assertThat(pointers(unknown)).containsExactly(A + "colour");
    Api.Response clientId =
        refusedCreate(
            Resource.of("webhook").id("0123456789abcdef01234567").attributes(valid()).build(), 403);
    assertThat(pointers(clientId)).containsExactly("/data/id");
    Api.Response wrongType = refusedCreate(Resource.of("flow").attributes(valid()).build(), 409);
    assertThat(pointers(wrongType)).containsExactly("/data/type");
    Api.Response notJson = admin.post(hooks, "{not json");
    assertThat(notJson.status()).isEqualTo(400);
    Api.Response query = admin.get(hooks + "?sort=url");
    assertThat(query.status()).isEqualTo(400);
    assertThat(query.error().path("source").path("parameter").asText()).isEqualTo("sort");
    assertThat(admin.get(hooks + "?page[size]=0").status()).isEqualTo(400);
  }

  @Test
  void createWhenSecretIsGeneratedThenShownOnceAndNeverAgain() {
    Api.Response r = admin.post(hooks, doc(valid()));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    String secret = r.attributes().path("secret").asText();
    assertThat(secret).matches("[A-Za-z0-9_-]{43}");
    assertThat(r.attributes().path("secret_set").asBoolean()).isTrue();
    assertThat(r.header("Location")).hasValue(hooks + "/" + r.id());

    Api.Response got = admin.get(hooks + "/" + r.id());
    Api.Response list = admin.get(hooks);
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.attributes().has("secret")).isFalse();
    assertThat(got.attributes().path("secret_set").asBoolean()).isTrue();
    assertThat(got.text()).doesNotContain(secret);
    assertThat(list.text()).doesNotContain(secret).contains(r.id());
  }

  @Test
  void createWhenSecretIsGivenThenNeverEchoedAndPatchRotatesIt() {
    String given = "my-own-secret-0123456789";
    Api.Response r = admin.post(hooks, doc(with("secret", given)));
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.text()).doesNotContain(given);
    assertThat(r.attributes().has("secret")).isFalse();

    String rotated = "rotated-secret-9876543210";
    Api.Response patched =
        admin.patch(
            hooks + "/" + r.id(),
            Resource.of("webhook").id(r.id()).attributes(Map.of("secret", rotated)).build());
    assertThat(patched.status()).as(patched.text()).isEqualTo(200);
    assertThat(patched.text()).doesNotContain(rotated).doesNotContain(given);
    assertThat(
            credflow()
                .server()
                .credflow()
                .database()
                .jdbc()
                .queryOne("SELECT secret FROM webhooks WHERE id = ?", rs -> rs.getBytes(1), r.id())
                .map(b -> new String(b, java.nio.charset.StandardCharsets.ISO_8859_1)))
        .hasValueSatisfying(c -> assertThat(c).doesNotContain(rotated));
  }

  @Test
  void patchWhenInvalidThen4xxAtPointerAndNothingChanged() {
    String id = created();
    String path = hooks + "/" + id;
    JsonNode before = admin.get(path).attributes();

    Map<String, Object> bad = new LinkedHashMap<>();
    bad.put("url", "http://");
    bad.put("event_types", List.of("nope"));
    Api.Response r = admin.patch(path, Resource.of("webhook").id(id).attributes(bad).build());
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(pointers(r)).containsExactlyInAnyOrder(A + "url", A + "event_types/0");

    Map<String, Object> nulled = new LinkedHashMap<>();
    nulled.put("url", null);
    Api.Response n = admin.patch(path, Resource.of("webhook").id(id).attributes(nulled).build());
    assertThat(n.status()).as(n.text()).isEqualTo(422);
    assertThat(pointers(n)).containsExactly(A + "url");

    Api.Response mismatch =
        admin.patch(
            path,
            Resource.of("webhook").id("0123456789abcdef01234567").attributes(valid()).build());
    assertThat(mismatch.status()).isEqualTo(409);

    assertThat(admin.get(path).attributes()).isEqualTo(before);
  }

  @Test
  void routesWhenIdIsUnknownOrMalformedThen404() {
    String unknown = hooks + "/0123456789abcdef01234567";
    assertThat(admin.get(unknown).status()).isEqualTo(404);
    assertThat(admin.get(hooks + "/not-an-id").status()).isEqualTo(404);
    assertThat(admin.delete(unknown).status()).isEqualTo(404);
    assertThat(admin.get(unknown + "/deliveries").status()).isEqualTo(404);
    assertThat(admin.post(unknown + "/ping", "").status()).isEqualTo(404);
    String id = created();
    assertThat(
            admin
                .post(hooks + "/" + id + "/deliveries/0123456789abcdef01234567/retry", "")
                .status())
        .isEqualTo(404);
    assertThat(admin.get("/v2/workspaces/0123456789abcdef01234567/webhooks").status())
        .isEqualTo(404);
  }

  @Test
  void routesWhenCallerIsAMemberThen403AndWhenAnotherTenantsAdminThen404() {
    String id = created();
    World.Tenancy t = credflow().tenancy();
    Api member = credflow().server().as(t.memberKey());
    Api.Response list = member.get(hooks);
    Api.Response create = member.post(hooks, doc(valid()));
    Api.Response get = member.get(hooks + "/" + id);
    assertThat(List.of(list.status(), create.status(), get.status())).containsOnly(403);

    Api tenantAdmin = credflow().server().as(t.adminKey());
    assertThat(tenantAdmin.get(hooks + "/" + id).status()).isEqualTo(200);

    World.Tenancy other = credflow().world().tenancy("webhook-input-other");
    Api stranger = credflow().server().as(other.adminKey());
    assertThat(stranger.get(hooks).status()).isEqualTo(404);
    assertThat(stranger.get(hooks + "/" + id).status()).isEqualTo(404);
    String theirs = "/v2/workspaces/" + other.workspace() + "/webhooks/" + id;
    assertThat(admin.get(theirs).status()).as("another workspace's path").isEqualTo(404);
    assertThat(admin.delete(theirs).status()).isEqualTo(404);
    assertThat(admin.get(hooks + "/" + id).status()).isEqualTo(200);
  }

  @Test
  void deleteWhenDoneThenGoneFromTheList() {
    String id = created();
    assertThat(admin.delete(hooks + "/" + id).status()).isEqualTo(204);
    assertThat(admin.get(hooks + "/" + id).status()).isEqualTo(404);
    assertThat(new TreeSet<>(ids(admin.get(hooks)))).doesNotContain(id);
  }

  private static List<String> ids(Api.Response r) {
    List<String> out = new ArrayList<>();
    r.body().path("data").forEach(d -> out.add(d.path("id").asText()));
    return out;
  }
}
