package io.credflow.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Credentials;
import io.credflow.testing.documents.Resource;
import io.credflow.testing.oauth.FakeOAuthProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A workspace for request-executor tests, built through the API as a {@link TestServer}'s global
 * admin: a tenant, contract and workspace with a REST API V2 component, one credential of every
 * kind without a provider ({@code noauth}, {@code basic}, {@code api_key} in a header and in the
 * query) and an {@code oauth2} auth-client at a {@link FakeOAuthProvider} for tokens a test issues.
 * Also builds the request configurations and documents {@code POST /v2/workspaces/{ws}/requests}
 * takes.
 */
public record ExecutorWorkspace(
    Api admin,
    String tenant,
    String workspace,
    String component,
    String noauth,
    String basic,
    String apiKeyHeader,
    String apiKeyQuery,
    String oauthClient) {

  public static final String BASIC_USER = "svc-user";
  public static final String BASIC_PASSWORD = "pa:ss wörd";
  public static final String HEADER_KEY_NAME = "X-Api-Key";
  public static final String HEADER_KEY = "key-123456";
  public static final String QUERY_KEY_NAME = "api_key";
  public static final String QUERY_KEY = "qkey-456789";

  private static final AtomicInteger OAUTH_CREDENTIALS = new AtomicInteger();

  /** Builds the workspace on {@code server}; {@code label} names the tenant. */
  public static ExecutorWorkspace create(
      TestServer server, FakeOAuthProvider provider, String label) {
    Api admin = server.admin();
    World.Tenancy t = new World(server).tenancy(label);
    String workspace = t.workspace();
    String basicClient = AuthClients.basic().credential("name", BASIC_USER).in(t).create(admin);
    String headerClient =
        AuthClients.apiKey().credential("name", HEADER_KEY_NAME).in(t).create(admin);
    String queryClient =
        AuthClients.apiKey()
            .credential("name", QUERY_KEY_NAME)
            .credential("in", "query")
            .in(t)
            .create(admin);
    return new ExecutorWorkspace(
        admin,
        t.tenant(),
        workspace,
        t.component(),
        store(admin, workspace, "noauth", AuthClients.noauth().in(t).create(admin), Map.of()),
        store(admin, workspace, "basic", basicClient, Map.of("password", BASIC_PASSWORD)),
        store(admin, workspace, "key header", headerClient, Map.of("value", HEADER_KEY)),
        store(admin, workspace, "key query", queryClient, Map.of("value", QUERY_KEY)),
        AuthClients.oauth2().at(provider).clientAuth("basic").in(t).create(admin));
  }

  private static String store(
      Api admin, String workspace, String name, String authClient, Map<String, ?> secrets) {
    return Credentials.named(name).authClient(authClient).secrets(secrets).create(admin, workspace);
  }

  /** Stores a credential of {@code authClient} in the workspace; returns its id. */
  public String credential(String name, String authClient, Object secrets) {
    return Credentials.named(name)
        .authClient(authClient)
        .secretsAsGiven(secrets)
        .create(admin, workspace);
  }

  /** Stores {@code tokens} as a new credential of the oauth2 auth-client; returns its id. */
  public String oauthCredential(FakeOAuthProvider.Tokens tokens, long expiresIn) {
    return Credentials.named("oauth " + OAUTH_CREDENTIALS.incrementAndGet())
        .authClient(oauthClient)
        .tokens(tokens, expiresIn)
        .create(admin, workspace);
  }

  /** {@code /v2/workspaces/{ws}/requests}. */
  public String requestsPath() {
    return "/v2/workspaces/" + workspace + "/requests";
  }

  /** Runs a request as the global admin. */
  public Api.Response send(Map<String, Object> config, Object message, String credential) {
    return admin.post(requestsPath(), requestDoc(config, message, credential));
  }

  /** The request document: {@code config}, {@code message} (left out when null), credential. */
  public static ObjectNode requestDoc(
      Map<String, Object> config, Object message, String credential) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("config", config);
    if (message != null) {
      attributes.put("message", message);
    }
    return Resource.of("request")
        .attributes(attributes)
        .relationship("credential", "credential", credential)
        .build();
  }

  /** A mutable configuration that GETs {@code url} (a literal). */
  public static Map<String, Object> get(String url) {
    Map<String, Object> reader = new LinkedHashMap<>();
    reader.put("method", "GET");
    reader.put("url", lit(url));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("reader", reader);
    return config;
  }

  /** The {@code reader} of a configuration made by {@link #get(String)}, to change it. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> reader(Map<String, Object> config) {
    return (Map<String, Object>) config.get("reader");
  }

  /** A quoted JSONata string literal. */
  public static String lit(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
