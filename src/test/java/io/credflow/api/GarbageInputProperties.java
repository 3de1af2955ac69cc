package io.credflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.credflow.testing.Api;
import io.credflow.testing.JsonGarbage;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Garbage against the write endpoints of auth-clients and credentials (docs/security.md 16): random
 * JSON values, JSON:API documents with random and mistyped members, random text with control
 * characters and invalid UTF-8, random bytes, deep nesting, random content types. Whatever comes
 * in, the answer is below 500, an error is a JSON:API error document without a stack trace, and
 * nothing is stored unless the answer was a success (a generated body that happens to be valid may
 * create a resource: then exactly that one is added).
 */
class GarbageInputProperties {
  private static final int TRIES = 250;
  private static final int EXPECT_CONTINUE_ABOVE = 4096;
  private static final String AUDIT = "audit_records";
  private static final List<String> TABLES =
      List.of(
          "tenants",
          "contracts",
          "workspaces",
          "users",
          "memberships",
          "components",
          "auth_clients",
          "auth_client_components",
          "credentials",
          AUDIT);
  private static final List<String> KEYS =
      List.of(
          "data",
          "type",
          "id",
          "lid",
          "attributes",
          "relationships",
          "meta",
          "links",
          "included",
          "jsonapi",
          "name",
          "credentials",
          "components",
          "component",
          "tenant",
          "contract",
          "workspace",
          "auth_client",
          "client_id",
          "client_secret",
          "auth_uri",
          "token_uri",
          "scopes",
          "value",
          "in",
          "password",
          "username",
          "access_token",
          "refresh_token",
          "expires_in",
          "state",
          "code",
          "",
          "__proto__",
          "a/b~c");
  private static final List<String> WORDS =
      List.of(
          "auth-client",
          "credential",
          "component",
          "tenant",
          "noauth",
          "basic",
          "api_key",
          "oauth2",
          "oauth2_instagram",
          "header",
          "query",
          "********",
          "https://auth.example.com/token",
          "http://169.254.169.254/",
          "0123456789abcdef01234567",
          "X-Api-Key",
          "Host",
          "null",
          "",
          " ",
          "\u0000",
          "\ud800",
          "e\u0301",
          "\u202e",
          "<script>",
          "'; DROP TABLE credentials; --");
  private static final ObjectMapper PLAIN = new ObjectMapper();
  private static final ObjectMapper ESCAPING =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static TestServer server;
  private static Api admin;
  private static World.Tenancy t;
  private static String basicClient;
  private static String apiKeyClient;
  private static String credential;

  @BeforeContainer
  static void startServer() {
    server = TestServer.h2();
    admin = server.admin();
    World world = new World(server);
    t = world.tenancy("garbage");
    basicClient =
        world.authClient(admin, t.tenant(), t.component(), "basic", Map.of("name", "ada"));
    apiKeyClient =
        world.authClient(
            admin, t.tenant(), t.component(), "api_key", Map.of("name", "X-Key", "value", "v"));
    credential =
        World.created(
            admin.post(
                credentialsPath(),
                World.credentialDoc("basic", basicClient, Map.of("password", "pw"))));
  }

  @AfterContainer
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** A request body and how it was made, shown shortened when a property fails. */
  record Payload(String kind, byte[] bytes) {
    @Override
    public String toString() {
      String text = new String(bytes, StandardCharsets.UTF_8);
      String shown = text.length() > 300 ? text.substring(0, 300) + "…" : text;
      return kind + " (" + bytes.length + " bytes): " + shown.replaceAll("[\\p{Cntrl}]", "·");
    }
  }

  // ---- the properties ----

  @Property(tries = TRIES)
  void createAuthClientWhenBodyIsGarbageThenNo5xxAndNothingStoredUnlessCreated(
      @ForAll("authClientCreates") Payload body, @ForAll("contentTypes") String contentType) {
    exchange("POST", "/v2/auth-clients", body, contentType, "auth_clients", null);
  }

  @Property(tries = TRIES)
  void updateAuthClientWhenBodyIsGarbageThenNo5xxAndNothingChangesUnlessUpdated(
      @ForAll("authClientUpdates") Payload body, @ForAll("contentTypes") String contentType) {
    String path = "/v2/auth-clients/" + basicClient;
    exchange("PATCH", path, body, contentType, null, path);
  }

  @Property(tries = TRIES)
  void createCredentialWhenBodyIsGarbageThenNo5xxAndNothingStoredUnlessCreated(
      @ForAll("credentialCreates") Payload body, @ForAll("contentTypes") String contentType) {
    exchange("POST", credentialsPath(), body, contentType, "credentials", null);
  }

  @Property(tries = TRIES)
  void updateCredentialWhenBodyIsGarbageThenNo5xxAndNothingChangesUnlessUpdated(
      @ForAll("credentialUpdates") Payload body, @ForAll("contentTypes") String contentType) {
    String path = credentialsPath() + "/" + credential;
    exchange("PATCH", path, body, contentType, null, path);
  }

  /**
   * Sends the garbage and checks the answer and the database: row counts of every table stay the
   * same unless the answer was 2xx ({@code createdIn} gains one row on 201), and the resource at
   * {@code readBack} reads the same unless the answer was 2xx.
   */
  private static void exchange(
      String method,
      String path,
      Payload body,
      String contentType,
      String createdIn,
      String readBack) {
    Map<String, Long> before = counts();
    String resourceBefore = readBack == null ? null : admin.get(readBack).text();
    HttpRequest.Builder request =
        admin.builder(path).method(method, HttpRequest.BodyPublishers.ofByteArray(body.bytes()));
    if (!contentType.equals("<none>")) {
      request.header("Content-Type", contentType);
    }
    if (body.bytes().length > EXPECT_CONTINUE_ABOVE) {
      // A server that refuses without reading the body (415, 401) closes the connection; when
      // body bytes are still arriving, TCP answers them with a reset that can destroy the
      // refusal before the client reads it. Clients avoid that for larger bodies by waiting for
      // "100 Continue", and so does this test.
      request.expectContinue(true);
    }
    Api.Response r = admin.send(request);

    assertThat(r.status()).as(r.text()).isLessThan(500);
    // The report shows how far garbage gets; at least some must get past the JSON and document
    // checks into validation, or the generators have degenerated.
    Statistics.label("answer").collect(r.status() + " " + r.error().path("code").asText());
    Statistics.label("answer")
        .coverage(
            c ->
                c.checkQuery(
                        (List<?> answer) -> answer.get(0).toString().matches("(2..|409|422) .*"))
                    .percentage(p -> p >= 15.0));
    if (r.status() >= 400) {
      BadInputTest.assertError(r, r.status());
    }
    Map<String, Long> expected = new LinkedHashMap<>(before);
    boolean success = r.status() >= 200 && r.status() < 300;
    if (success && createdIn != null) {
      assertThat(r.status()).isEqualTo(201);
      expected.merge(createdIn, 1L, Long::sum);
    }
    if (success && path.startsWith("/v2/auth-clients")) {
      // A created or changed auth-client brings its component links.
      int linksNow = r.data().path("relationships").path("components").path("data").size();
      int linksBefore =
          resourceBefore == null
              ? 0
              : readTree(resourceBefore)
                  .path("data")
                  .path("relationships")
                  .path("components")
                  .path("data")
                  .size();
      expected.merge("auth_client_components", (long) (linksNow - linksBefore), Long::sum);
    }
    // A write that took effect is audited (one record; an update that changed nothing is not).
    Map<String, Long> now = counts();
    long auditedBefore = expected.remove(AUDIT);
    long audited = now.remove(AUDIT) - auditedBefore;
    assertThat(now).as("rows per table after %s %s", r.status(), r.text()).isEqualTo(expected);
    assertThat(audited)
        .as("audit records written by %s %s", r.status(), r.text())
        .isBetween(success && createdIn != null ? 1L : 0L, success ? 1L : 0L);
    if (readBack != null && !success) {
      assertThat(admin.get(readBack).text()).isEqualTo(resourceBefore);
    }
  }

  private static Map<String, Long> counts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String table : TABLES) {
      counts.put(
          table,
          server
              .credflow()
              .database()
              .jdbc()
              .queryOne("SELECT COUNT(*) AS n FROM " + table, rs -> rs.getLong("n"))
              .orElseThrow());
    }
    return counts;
  }

  private static JsonNode readTree(String text) {
    try {
      return PLAIN.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String credentialsPath() {
    return "/v2/workspaces/" + t.workspace() + "/credentials";
  }

  // ---- what each endpoint gets ----

  @Provide
  Arbitrary<Payload> authClientCreates() {
    List<ObjectNode> templates = new ArrayList<>();
    templates.add(World.authClientDoc(t.tenant(), t.component(), "noauth", Map.of()));
    templates.add(World.authClientDoc(t.tenant(), t.component(), "basic", Map.of("name", "x")));
    templates.add(
        World.authClientDoc(
            t.tenant(), t.component(), "api_key", Map.of("name", "X-K", "value", "secret")));
    templates.add(
        World.authClientDoc(
            t.tenant(),
            t.component(),
            "oauth2",
            Map.of(
                "client_id", "id",
                "client_secret", "s",
                "auth_uri", "https://auth.example.com/a",
                "token_uri", "https://auth.example.com/t")));
    return payloads(templates);
  }

  @Provide
  Arbitrary<Payload> authClientUpdates() {
    ObjectNode doc =
        World.doc(
            "auth-client", Map.of("name", "renamed", "credentials", Map.of("name", "u")), Map.of());
    ((ObjectNode) doc.path("data")).put("id", basicClient);
    ((ObjectNode) doc.path("data"))
        .putObject("relationships")
        .putObject("components")
        .putArray("data")
        .addObject()
        .put("type", "component")
        .put("id", t.component());
    return payloads(List.of(doc));
  }

  @Provide
  Arbitrary<Payload> credentialCreates() {
    return payloads(
        List.of(
            World.credentialDoc("c", basicClient, Map.of("password", "pw")),
            World.credentialDoc("k", apiKeyClient, Map.of("value", "own key")),
            World.credentialDoc("k", apiKeyClient, Map.of())));
  }

  @Provide
  Arbitrary<Payload> credentialUpdates() {
    ObjectNode doc =
        World.doc(
            "credential",
            Map.of("name", "renamed", "credentials", Map.of("password", "p")),
            Map.of());
    ((ObjectNode) doc.path("data")).put("id", credential);
    return payloads(List.of(doc));
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.frequencyOf(
        Tuple.of(
            12,
            Arbitraries.of(
                "application/vnd.api+json",
                "application/json",
                "application/json; charset=utf-8",
                "application/vnd.api+json; charset=UTF-8",
                "Application/Vnd.Api+Json")),
        Tuple.of(
            2,
            Arbitraries.of(
                "<none>",
                "",
                "text/plain",
                "text/html",
                "application/xml",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=xyz",
                "*/*",
                "application/*",
                "application/json-patch+json",
                "application/vnd.api+json; ext=\"https://jsonapi.org/ext/atomic\"",
                "application/json; charset=utf-16")),
        Tuple.of(1, Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60)));
  }

  // ---- generators ----

  private static Arbitrary<Payload> payloads(List<ObjectNode> templates) {
    Arbitrary<ObjectNode> template = Arbitraries.of(templates).map(ObjectNode::deepCopy);
    return Arbitraries.frequencyOf(
        Tuple.of(40, mutatedDocuments(template)),
        Tuple.of(12, jsonValues().map(v -> payload("json value", v))),
        Tuple.of(12, shapedDocuments()),
        Tuple.of(10, corrupted(template)),
        Tuple.of(8, text()),
        Tuple.of(
            6,
            Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(400)
                .map(b -> new Payload("bytes", b))),
        Tuple.of(5, deep(template)));
  }

  private static Payload payload(String kind, JsonNode node) {
    return new Payload(kind, write(node, false));
  }

  private static byte[] write(JsonNode node, boolean escapeNonAscii) {
    try {
      return escapeNonAscii
          ? ESCAPING.writeValueAsBytes(node)
          : PLAIN.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Arbitrary<String> strings() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of(WORDS)),
        Tuple.of(3, Arbitraries.strings().all().ofMaxLength(40)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMaxLength(10)),
        Tuple.of(1, Arbitraries.strings().ascii().ofMinLength(4000).ofMaxLength(5000)));
  }

  private static Arbitrary<JsonNode> leaves() {
    return Arbitraries.oneOf(
        Arbitraries.just(NullNode.getInstance()),
        Arbitraries.of(BooleanNode.TRUE, BooleanNode.FALSE),
        Arbitraries.integers().map(IntNode::valueOf),
        Arbitraries.longs().map(LongNode::valueOf),
        Arbitraries.doubles().map(DoubleNode::valueOf),
        Arbitraries.bigDecimals().ofScale(3).map(DecimalNode::valueOf),
        strings().map(TextNode::valueOf));
  }

  /** Any JSON value, up to four levels of arrays and objects with keys that mean something here. */
  static Arbitrary<JsonNode> jsonValues() {
    Arbitrary<String> keys =
        Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(KEYS)), Tuple.of(1, strings()));
    return JsonGarbage.values(keys, leaves());
  }

  /** {"data":{"type":…,"attributes":…,"relationships":…}} with random parts. */
  private static Arbitrary<Payload> shapedDocuments() {
    Arbitrary<JsonNode> types =
        Arbitraries.oneOf(
            Arbitraries.of("auth-client", "credential", "component", "member")
                .map(TextNode::valueOf),
            jsonValues());
    return Combinators.combine(
            types, jsonValues(), jsonValues(), jsonValues(), Arbitraries.of(true, false))
        .as(
            (type, attributes, relationships, id, escape) -> {
              ObjectNode doc = NODES.objectNode();
              ObjectNode data = doc.putObject("data");
              data.set("type", type);
              data.set("attributes", attributes);
              data.set("relationships", relationships);
              if (id.isTextual() || id.isNumber()) {
                data.set("id", id);
              }
              return new Payload("shaped document", write(doc, escape));
            });
  }

  private static Arbitrary<Payload> mutatedDocuments(Arbitrary<ObjectNode> template) {
    Arbitrary<JsonGarbage.Mutation> mutation =
        JsonGarbage.mutations(
            Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(KEYS)), Tuple.of(1, strings())),
            jsonValues());
    return Combinators.combine(
            template, mutation.list().ofMinSize(1).ofMaxSize(4), Arbitraries.of(true, false))
        .as(
            (doc, mutations, escape) -> {
              mutations.forEach(m -> m.applyTo(doc));
              return new Payload("mutated document", write(doc, escape));
            });
  }

  /** A valid document's bytes with bytes spliced in (invalid UTF-8, controls, JSON punctuation). */
  private static Arbitrary<Payload> corrupted(Arbitrary<ObjectNode> template) {
    Arbitrary<Byte> bad =
        Arbitraries.oneOf(
            Arbitraries.bytes().between((byte) 0x80, (byte) 0xff),
            Arbitraries.bytes().between((byte) 0x00, (byte) 0x1f),
            Arbitraries.of(
                (byte) '"', (byte) '\\', (byte) '{', (byte) '}', (byte) ']', (byte) ','));
    Arbitrary<Tuple.Tuple2<Integer, Byte>> splice =
        Combinators.combine(Arbitraries.integers().greaterOrEqual(0), bad).as(Tuple::of);
    return Combinators.combine(
            template,
            splice.list().ofMinSize(1).ofMaxSize(6),
            Arbitraries.integers().between(0, 100))
        .as(
            (doc, splices, keepPercent) -> {
              byte[] bytes = write(doc, false);
              for (var s : splices) {
                int at = s.get1() % (bytes.length + 1);
                byte[] next = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, next, 0, at);
                next[at] = s.get2();
                System.arraycopy(bytes, at, next, at + 1, bytes.length - at);
                bytes = next;
              }
              if (keepPercent < 20) {
                bytes = Arrays.copyOf(bytes, bytes.length * keepPercent / 20);
              }
              return new Payload("corrupted document", bytes);
            });
  }

  private static Arbitrary<Payload> text() {
    return Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(300),
            Arbitraries.strings().withCharRange('\u0000', '\u007f').ofMaxLength(300),
            Arbitraries.of(
                "{", "[", "\"", "{}", "[]", "null", "true", "0", "-", "\ufeff{}", "{\"data\":"))
        .map(s -> new Payload("text", s.getBytes(StandardCharsets.UTF_8)));
  }

  /** A valid document whose first attribute holds arrays or objects nested 10 to 5,000 deep. */
  private static Arbitrary<Payload> deep(Arbitrary<ObjectNode> template) {
    return Combinators.combine(
            template, Arbitraries.integers().between(10, 5_000), Arbitraries.of(true, false))
        .as(
            (doc, depth, arrays) -> {
              ObjectNode attributes = (ObjectNode) doc.path("data").path("attributes");
              String member = attributes.has("credentials") ? "credentials" : "name";
              attributes.put(member, "@@DEEP@@");
              String nested =
                  arrays
                      ? "[".repeat(depth) + "]".repeat(depth)
                      : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
              String text = new String(write(doc, false), StandardCharsets.UTF_8);
              return new Payload(
                  "nested " + depth + (arrays ? " arrays" : " objects"),
                  text.replace("\"@@DEEP@@\"", nested).getBytes(StandardCharsets.UTF_8));
            });
  }
}
