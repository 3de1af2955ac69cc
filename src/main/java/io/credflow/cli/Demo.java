package io.credflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.credflow.Credflow;
import io.credflow.authclient.AuthClientService;
import io.credflow.authclient.OAuthSettings;
import io.credflow.authclient.SettingsParser;
import io.credflow.common.Secret;
import io.credflow.component.AuthClientType;
import io.credflow.component.Component;
import io.credflow.component.DescriptorParser;
import io.credflow.demo.DemoProvider;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.Contract;
import io.credflow.tenancy.Level;
import io.credflow.tenancy.Tenant;
import io.credflow.tenancy.Workspace;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code serve --demo}: seeds, once per data directory, a tenant, contract and workspace, a REST
 * API V2 component and one auth-client of each type it accepts, then prints their ids and curl
 * commands to paste. Later starts print the same ids again.
 */
final class Demo {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TYPES = List.of("oauth2", "basic", "api_key", "noauth");

  private final Credflow credflow;
  private final PrintStream out;

  Demo(Credflow credflow, PrintStream out) {
    this.credflow = credflow;
    this.out = out;
  }

  void seed() {
    Path marker = credflow.config().dataDir().resolve("demo.json");
    Map<String, String> ids = Files.exists(marker) ? read(marker) : create(marker);
    if (pointsElsewhere(ids.get("auth_client_oauth2"))) {
      // An earlier start served the demo provider at another address (another port): a new
      // auth-client for this one, since an auth-client's endpoints never change.
      ids.put("auth_client_oauth2", demoOAuth2Client(ids.get("tenant"), ids.get("component")));
      write(marker, ids);
    }
    print(ids);
  }

  private Map<String, String> create(Path marker) {
    var s = credflow.services();
    Caller admin = s.tenancy().bootstrapAdminCaller();
    Tenant tenant = s.tenancy().createTenant(admin, "Demo tenant");
    Contract contract = s.tenancy().createContract(admin, tenant.id(), "Demo contract");
    Workspace ws = s.tenancy().createWorkspace(admin, contract.id(), "Demo workspace");
    Map<String, Object> descriptor = new LinkedHashMap<>();
    descriptor.put("title", "REST API V2");
    descriptor.put("authClientTypes", TYPES);
    descriptor.put(
        "credentials",
        Map.of("fields", Map.of("auth", Map.of("required", false, "viewClass", "HTTPAuthView"))));
    Component component =
        s.components()
            .create(
                admin,
                "REST API V2",
                Level.TENANT,
                tenant.id(),
                DescriptorParser.parse(descriptor, "descriptor"));
    Map<String, String> ids = new LinkedHashMap<>();
    ids.put("tenant", tenant.id());
    ids.put("contract", contract.id());
    ids.put("workspace", ws.id());
    ids.put("component", component.id());
    Map<String, Object> settings =
        Map.of(
            "basic",
            Map.of("name", "demo-user"),
            "api_key",
            Map.of("name", "X-Api-Key"),
            "noauth",
            Map.of());
    ids.put("auth_client_oauth2", demoOAuth2Client(tenant.id(), component.id()));
    for (String type : TYPES.subList(1, TYPES.size())) {
      var created =
          s.authClients()
              .create(
                  admin,
                  new AuthClientService.NewAuthClient(
                      "Demo " + type,
                      SettingsParser.parse(
                          SettingsParser.type(type, "type"), settings.get(type), "credentials"),
                      List.of(component.id()),
                      Optional.of(Level.TENANT),
                      Optional.of(tenant.id())));
      ids.put("auth_client_" + type, created.authClient().id());
    }
    write(marker, ids);
    return ids;
  }

  private static void write(Path marker, Map<String, String> ids) {
    try {
      Files.createDirectories(marker.getParent());
      JSON.writerWithDefaultPrettyPrinter().writeValue(marker.toFile(), ids);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + marker, e);
    }
  }

  /** An oauth2 auth-client of the tenant for the demo provider this start serves. */
  private String demoOAuth2Client(String tenantId, String componentId) {
    var s = credflow.services();
    DemoProvider provider = credflow.demoProvider().orElseThrow();
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("client_id", provider.clientId());
    settings.put("client_secret", provider.clientSecret().reveal());
    settings.put("auth_uri", provider.authorizationEndpoint().toString());
    settings.put("token_uri", provider.tokenEndpoint().toString());
    settings.put("scopes", List.of("profile", "read"));
    settings.put(
        "verify_request", Map.of("method", "GET", "url", provider.userinfoEndpoint().toString()));
    return s.authClients()
        .create(
            s.tenancy().bootstrapAdminCaller(),
            new AuthClientService.NewAuthClient(
                "Demo provider",
                SettingsParser.parse(AuthClientType.OAUTH2, settings, "credentials"),
                List.of(componentId),
                Optional.of(Level.TENANT),
                Optional.of(tenantId)))
        .authClient()
        .id();
  }

  /** Whether the demo oauth2 auth-client is missing or was made for another address. */
  private boolean pointsElsewhere(String authClientId) {
    DemoProvider provider = credflow.demoProvider().orElseThrow();
    return Optional.ofNullable(authClientId)
        .flatMap(id -> credflow.services().authClients().findUnchecked(id))
        .map(a -> a.settings() instanceof OAuthSettings o ? o.tokenUri() : null)
        .filter(uri -> uri.equals(provider.tokenEndpoint()))
        .isEmpty();
  }

  private static Map<String, String> read(Path marker) {
    try {
      Map<String, String> ids = new LinkedHashMap<>();
      JSON.readTree(marker.toFile())
          .properties()
          .forEach(e -> ids.put(e.getKey(), e.getValue().asText()));
      return ids;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + marker, e);
    }
  }

  private void print(Map<String, String> ids) {
    String base = credflow.localUrl().toString();
    String key =
        credflow
            .newAdminKey()
            .or(() -> credflow.config().adminApiKey())
            .map(Secret::reveal)
            .orElse("$CREDFLOW_API_KEY");
    String ws = ids.get("workspace");
    out.println();
    out.println("Console: " + credflow.publicUrl() + "/ (sign in as admin@localhost)");
    out.println(
        "Demo OAuth2 provider: "
            + credflow.demoProvider().map(p -> p.authorizationEndpoint().toString()).orElse("")
            + " (auth-client \"Demo provider\": add an OAuth2 credential and Authenticate)");
    out.println();
    out.println("Demo data:");
    ids.forEach((k, v) -> out.printf("  %-20s %s%n", k, v));
    out.println();
    if (key.startsWith("$")) {
      out.println(
          "Set CREDFLOW_API_KEY to the admin's API key (printed on the first start), then:");
    } else {
      out.println("Try it:");
    }
    String auth =
        "-H 'Authorization: Bearer " + key + "' -H 'Content-Type: application/vnd.api+json'";
    out.printf("  curl -s %s '%s/v2/auth-clients?workspace_id=%s'%n", auth, base, ws);
    out.printf(
        "  curl -s %s -X POST %s/v2/workspaces/%s/credentials -d '{\"data\":{\"type\":\"credential\","
            + "\"attributes\":{\"name\":\"my basic\",\"credentials\":{\"password\":\"s3cret\"}},"
            + "\"relationships\":{\"auth_client\":{\"data\":{\"type\":\"auth-client\",\"id\":\"%s\"}}}}}'%n",
        auth, base, ws, ids.get("auth_client_basic"));
    out.printf(
        "  curl -s %s -X POST %s/v2/workspaces/%s/credentials -d '{\"data\":{\"type\":\"credential\","
            + "\"attributes\":{\"name\":\"my key\",\"credentials\":{\"value\":\"k-123\"}},"
            + "\"relationships\":{\"auth_client\":{\"data\":{\"type\":\"auth-client\",\"id\":\"%s\"}}}}}'%n",
        auth, base, ws, ids.get("auth_client_api_key"));
    out.printf("  curl -s %s %s/v2/workspaces/%s/credentials%n", auth, base, ws);
    out.printf(
        "  curl -s %s -X POST '%s/v2/workspaces/%s/credentials/CREDENTIAL_ID/access?reason=try'%n",
        auth, base, ws);
  }
}
