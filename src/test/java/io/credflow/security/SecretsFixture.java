package io.credflow.security;

import static io.credflow.testing.World.created;
import static io.credflow.testing.World.doc;
import static io.credflow.testing.World.rel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.Api;
import io.credflow.testing.World;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes auth-clients and credentials whose every secret is a unique canary string, through the
 * HTTP API only, on any running server reachable with the global admin's client. Also stores two
 * non-secret canaries (an auth-client name and an OAuth2 client id) so that a scan for canaries can
 * show it finds what is really there.
 */
final class SecretsFixture {
  private static final SecureRandom RANDOM = new SecureRandom();

  private SecretsFixture() {}

  /** Every canary, by what it is. */
  record Canaries(
      String oauth2ClientSecret,
      String oauth2ClientSecretPatched,
      String sharedApiKey,
      String instagramClientSecret,
      String basicPassword,
      String basicPasswordPatched,
      String credentialApiKey,
      String accessToken,
      String refreshToken,
      String instagramAccessToken,
      String authClientName,
      String oauth2ClientId) {

    /** Every secret canary with a label, old and new values alike. */
    Map<String, String> secrets() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("oauth2 client_secret (created)", oauth2ClientSecret);
      m.put("oauth2 client_secret (patched)", oauth2ClientSecretPatched);
      m.put("api_key auth-client shared value", sharedApiKey);
      m.put("oauth2_instagram client_secret", instagramClientSecret);
      m.put("basic password (created)", basicPassword);
      m.put("basic password (patched)", basicPasswordPatched);
      m.put("api_key credential value", credentialApiKey);
      m.put("oauth2 access_token", accessToken);
      m.put("oauth2 refresh_token", refreshToken);
      m.put("oauth2_instagram access_token", instagramAccessToken);
      return m;
    }

    /** Canaries stored in plain sight on purpose: a scan must find these. */
    Map<String, String> nonSecrets() {
      return Map.of("auth-client name", authClientName, "oauth2 client_id", oauth2ClientId);
    }
  }

  /** What was made, and every response the making got. */
  record Seeded(
      String tenant,
      String workspace,
      String memberId,
      String memberKey,
      String oauth2Client,
      String apiKeyClient,
      String basicClient,
      String instagramClient,
      String basicCredential,
      String apiKeyOwnCredential,
      String apiKeySharedCredential,
      String oauth2Credential,
      String instagramCredential,
      String basicUsername,
      Canaries canaries,
      List<Api.Response> responses) {

    List<String> credentials() {
      return List.of(
          basicCredential,
          apiKeyOwnCredential,
          apiKeySharedCredential,
          oauth2Credential,
          instagramCredential);
    }

    List<String> authClients() {
      return List.of(oauth2Client, apiKeyClient, basicClient, instagramClient);
    }

    String credentialPath(String id) {
      return "/v2/workspaces/" + workspace + "/credentials/" + id;
    }
  }

  static String canary(String what) {
    byte[] bytes = new byte[10];
    RANDOM.nextBytes(bytes);
    return "CANARY-" + what + "-" + HexFormat.of().formatHex(bytes);
  }

  static Canaries newCanaries() {
    return new Canaries(
        canary("oauth2-secret"),
        canary("oauth2-secret-new"),
        canary("shared-key"),
        canary("ig-secret"),
        canary("password"),
        canary("password-new"),
        canary("credential-key"),
        canary("access-token"),
        canary("refresh-token"),
        canary("ig-access-token"),
        canary("visible-name"),
        canary("visible-client-id"));
  }

  static Seeded seed(Api admin, String label) {
    Canaries k = newCanaries();
    List<Api.Response> responses = new ArrayList<>();
    String tenant =
        created(
            record(
                responses,
                admin.post("/v2/tenants", doc("tenant", Map.of("name", label), Map.of()))));
    String contract =
        created(
            record(
                responses,
                admin.post(
                    "/v2/contracts",
                    doc(
                        "contract",
                        Map.of("name", label),
                        Map.of("tenant", rel("tenant", tenant))))));
    String workspace =
        created(
            record(
                responses,
                admin.post(
                    "/v2/workspaces",
                    doc(
                        "workspace",
                        Map.of("name", label),
                        Map.of("contract", rel("contract", contract))))));
    String rest =
        component(
            admin,
            tenant,
            Map.of(
                "authClientTypes",
                World.REST_API_TYPES,
                "credentials",
                Map.of("fields", Map.of("auth", Map.of("viewClass", "HTTPAuthView")))));
    String instagram =
        component(
            admin,
            tenant,
            Map.of(
                "authClientTypes",
                List.of("oauth2_instagram"),
                "credentials",
                Map.of(
                    "fields",
                    Map.of("auth", Map.of("viewClass", "OAuthFieldView")),
                    "oauth2",
                    Map.of("scopes", List.of("user_profile")))));
    Api.Response user =
        record(
            responses,
            admin.post(
                "/v2/users",
                doc("user", Map.of("email", label + "-member@example.com"), Map.of())));
    assertThat(user.status()).as(user.text()).isEqualTo(201);
    World.member(admin, "workspaces", workspace, user.id(), "member");
    String memberKey = user.body().path("meta").path("api_key").asText();
    Api member = new Api(admin.baseUrl(), memberKey);

    ObjectNode oauth2Doc =
        World.authClientDoc(
            tenant,
            rest,
            "oauth2",
            Map.of(
                "client_id",
                k.oauth2ClientId(),
                "client_secret",
                k.oauth2ClientSecret(),
                "auth_uri",
                "https://provider.example.com/authorize",
                "token_uri",
                "https://provider.example.com/token"));
    ((ObjectNode) oauth2Doc.path("data").path("attributes")).put("name", k.authClientName());
    String oauth2Client = created(record(responses, admin.post("/v2/auth-clients", oauth2Doc)));
    String apiKeyClient =
        created(
            record(
                responses,
                admin.post(
                    "/v2/auth-clients",
                    World.authClientDoc(
                        tenant,
                        rest,
                        "api_key",
                        Map.of("name", "X-Api-Key", "value", k.sharedApiKey())))));
    String basicClient =
        created(
            record(
                responses,
                admin.post(
                    "/v2/auth-clients",
                    World.authClientDoc(tenant, rest, "basic", Map.of("name", "default-user")))));
    String instagramClient =
        created(
            record(
                responses,
                admin.post(
                    "/v2/auth-clients",
                    World.authClientDoc(
                        tenant,
                        instagram,
                        "oauth2_instagram",
                        Map.of(
                            "client_id",
                            "ig-client-" + label,
                            "client_secret",
                            k.instagramClientSecret())))));

    ObjectNode patchSecret =
        doc(
            "auth-client",
            Map.of("credentials", Map.of("client_secret", k.oauth2ClientSecretPatched())),
            Map.of());
    ((ObjectNode) patchSecret.path("data")).put("id", oauth2Client);
    Api.Response patched =
        record(responses, admin.patch("/v2/auth-clients/" + oauth2Client, patchSecret));
    assertThat(patched.status()).as(patched.text()).isEqualTo(200);

    String credentials = "/v2/workspaces/" + workspace + "/credentials";
    String basicUsername = "alice";
    String basicCredential =
        created(
            record(
                responses,
                member.post(
                    credentials,
                    World.credentialDoc(
                        "basic",
                        basicClient,
                        Map.of("username", basicUsername, "password", k.basicPassword())))));
    String apiKeyOwn =
        created(
            record(
                responses,
                member.post(
                    credentials,
                    World.credentialDoc(
                        "own key", apiKeyClient, Map.of("value", k.credentialApiKey())))));
    String apiKeyShared =
        created(
            record(
                responses,
                member.post(
                    credentials, World.credentialDoc("shared key", apiKeyClient, Map.of()))));
    String oauth2Credential =
        created(
            record(
                responses,
                member.post(
                    credentials,
                    World.credentialDoc(
                        "imported tokens",
                        oauth2Client,
                        Map.of(
                            "access_token", k.accessToken(),
                            "refresh_token", k.refreshToken(),
                            "expires_in", 3600)))));
    String instagramCredential =
        created(
            record(
                responses,
                member.post(
                    credentials,
                    World.credentialDoc(
                        "instagram",
                        instagramClient,
                        Map.of("access_token", k.instagramAccessToken())))));

    ObjectNode patchPassword =
        doc(
            "credential",
            Map.of("credentials", Map.of("password", k.basicPasswordPatched())),
            Map.of());
    ((ObjectNode) patchPassword.path("data")).put("id", basicCredential);
    Api.Response patchedPassword =
        record(responses, member.patch(credentials + "/" + basicCredential, patchPassword));
    assertThat(patchedPassword.status()).as(patchedPassword.text()).isEqualTo(200);

    return new Seeded(
        tenant,
        workspace,
        user.id(),
        memberKey,
        oauth2Client,
        apiKeyClient,
        basicClient,
        instagramClient,
        basicCredential,
        apiKeyOwn,
        apiKeyShared,
        oauth2Credential,
        instagramCredential,
        basicUsername,
        k,
        List.copyOf(responses));
  }

  /**
   * The real authorization each credential must release through {@code …/access}: header or query
   * parameter name and value, by credential id.
   */
  static Map<String, Map.Entry<String, String>> expectedAccess(Seeded s) {
    Canaries k = s.canaries();
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (s.basicUsername() + ":" + k.basicPasswordPatched())
                        .getBytes(StandardCharsets.UTF_8));
    Map<String, Map.Entry<String, String>> m = new LinkedHashMap<>();
    m.put(s.basicCredential(), Map.entry("Authorization", basic));
    m.put(s.apiKeyOwnCredential(), Map.entry("X-Api-Key", k.credentialApiKey()));
    m.put(s.apiKeySharedCredential(), Map.entry("X-Api-Key", k.sharedApiKey()));
    m.put(s.oauth2Credential(), Map.entry("Authorization", "Bearer " + k.accessToken()));
    m.put(s.instagramCredential(), Map.entry("access_token", k.instagramAccessToken()));
    return m;
  }

  /** Calls {@code …/access} and returns the released name and value (header or query). */
  static Map.Entry<String, String> access(Api api, Seeded s, String credential) {
    Api.Response r =
        api.send(
            api.builder(s.credentialPath(credential) + "/access")
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()));
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    var attrs = r.attributes();
    var released = attrs.path("header").isObject() ? attrs.path("header") : attrs.path("query");
    return Map.entry(released.path("name").asText(), released.path("value").asText());
  }

  private static String component(Api admin, String tenant, Map<String, Object> descriptor) {
    return created(
        admin.post(
            "/v2/components",
            doc(
                "component",
                Map.of("name", "component", "descriptor", descriptor),
                Map.of("tenant", rel("tenant", tenant)))));
  }

  private static Api.Response record(List<Api.Response> responses, Api.Response r) {
    responses.add(r);
    return r;
  }
}
