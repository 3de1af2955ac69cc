package io.credflow.console;

import io.credflow.authclient.AuthClientService;
import io.credflow.authclient.SettingsParser;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.component.AuthClientType;
import io.credflow.console.view.Choice;
import io.credflow.tenancy.Level;
import io.credflow.tenancy.Location;
import io.credflow.tenancy.Workspace;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The auth-client form, shared by the credential form ("Add New Auth Client") and the Auth clients
 * page: its fields under the API's member names, so that the API's validation messages land next to
 * the field they concern, and the owner levels the user may choose.
 */
final class AuthClientForms {
  /** Fields of the form that are not secret (shown again as typed). */
  static final List<String> PLAIN =
      List.of(
          "name",
          "owner",
          "credentials/client_id",
          "credentials/auth_uri",
          "credentials/token_uri",
          "credentials/refresh_token_uri",
          "credentials/exchange_uri",
          "credentials/refresh_uri",
          "credentials/scopes",
          "credentials/extra_auth_params",
          "credentials/verify_request/url",
          "credentials/name",
          "credentials/in");

  /** Every field that can carry an error. */
  static final List<String> FIELDS;

  static {
    List<String> all = new ArrayList<>(PLAIN);
    all.add("credentials/client_secret");
    all.add("credentials/value");
    all.add("components/*");
    FIELDS = List.copyOf(all);
  }

  private AuthClientForms() {}

  /** The owner levels the user may create at, from the workspace up. */
  static List<Choice> owners(Visit visit, Workspace ws, String chosen) {
    List<Choice> out = new ArrayList<>();
    Location w = ws.location();
    if (visit.caller().isAdminAt(w)) {
      out.add(new Choice("workspace", "This workspace", chosen.equals("workspace")));
    }
    Location contract = Location.contract(ws.tenantId(), ws.contractId());
    if (visit.caller().isAdminAt(contract)) {
      out.add(
          new Choice(
              "contract", "Its contract (every workspace of it)", chosen.equals("contract")));
    }
    Location tenant = Location.tenant(ws.tenantId());
    if (visit.caller().isAdminAt(tenant)) {
      out.add(new Choice("tenant", "Its tenant (every workspace of it)", chosen.equals("tenant")));
    }
    return out;
  }

  /** Creates the auth-client the form describes, for {@code componentIds}. */
  static AuthClientService.Created create(
      ConsolePages pages,
      Context ctx,
      Visit visit,
      Workspace ws,
      AuthClientType type,
      List<String> componentIds) {
    Map<String, Object> settings = settings(ctx, type);
    String owner = Optional.ofNullable(ctx.formParam("owner")).orElse("workspace");
    Level level = Level.fromWireName(owner).orElse(Level.WORKSPACE);
    String ownerId =
        switch (level) {
          case WORKSPACE -> ws.id();
          case CONTRACT -> ws.contractId();
          case TENANT -> ws.tenantId();
        };
    return pages
        .services()
        .authClients()
        .create(
            visit.caller(),
            new AuthClientService.NewAuthClient(
                Optional.ofNullable(ctx.formParam("name")).orElse(""),
                SettingsParser.parse(type, settings, "credentials"),
                componentIds,
                Optional.of(level),
                Optional.of(ownerId)));
  }

  /** The {@code credentials} member the API would get, from the form's fields. */
  static Map<String, Object> settings(Context ctx, AuthClientType type) {
    Map<String, Object> s = new LinkedHashMap<>();
    switch (type) {
      case OAUTH2, OAUTH2_INSTAGRAM -> {
        put(s, "client_id", ctx.formParam("credentials/client_id"));
        putSecret(s, "client_secret", ctx.formParam("credentials/client_secret"));
        put(s, "auth_uri", ctx.formParam("credentials/auth_uri"));
        put(s, "token_uri", ctx.formParam("credentials/token_uri"));
        if (type == AuthClientType.OAUTH2) {
          put(s, "refresh_token_uri", ctx.formParam("credentials/refresh_token_uri"));
        } else {
          put(s, "exchange_uri", ctx.formParam("credentials/exchange_uri"));
          put(s, "refresh_uri", ctx.formParam("credentials/refresh_uri"));
        }
        String scopes = Optional.ofNullable(ctx.formParam("credentials/scopes")).orElse("").trim();
        if (!scopes.isEmpty()) {
          s.put(
              "scopes",
              List.of(scopes.split("\\s*,\\s*")).stream().filter(x -> !x.isBlank()).toList());
        }
        Map<String, Object> extra = extraParams(ctx.formParam("credentials/extra_auth_params"));
        if (!extra.isEmpty() && type == AuthClientType.OAUTH2) {
          s.put("extra_auth_params", extra);
        }
      }
      case API_KEY -> {
        put(s, "name", ctx.formParam("credentials/name"));
        putSecret(s, "value", ctx.formParam("credentials/value"));
        put(s, "in", ctx.formParam("credentials/in"));
      }
      case BASIC -> put(s, "name", ctx.formParam("credentials/name"));
      case NOAUTH -> {}
    }
    String verifyUrl =
        Optional.ofNullable(ctx.formParam("credentials/verify_request/url")).orElse("").trim();
    if (!verifyUrl.isEmpty() && type != AuthClientType.NOAUTH) {
      s.put("verify_request", Map.of("method", "GET", "url", verifyUrl));
    }
    return s;
  }

  /** {@code key=value} lines as an object; a line without {@code =} is refused by name. */
  private static Map<String, Object> extraParams(String text) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (text == null) {
      return out;
    }
    List<Violation> bad = new ArrayList<>();
    for (String line : text.split("\\R")) {
      String l = line.trim();
      if (l.isEmpty()) {
        continue;
      }
      int eq = l.indexOf('=');
      if (eq <= 0) {
        bad.add(
            new Violation(
                "credentials/extra_auth_params",
                "invalid_type",
                "write one parameter per line as name=value, e.g. access_type=offline (not \""
                    + (l.length() > 40 ? l.substring(0, 40) + "…" : l)
                    + "\")"));
        continue;
      }
      out.put(l.substring(0, eq).trim(), l.substring(eq + 1).trim());
    }
    if (!bad.isEmpty()) {
      throw new ValidationException(bad);
    }
    return out;
  }

  /**
   * Puts a form field's value under {@code key} when the user typed one (trimmed): an empty field
   * means "not given", as an absent member does in the API.
   */
  static void put(Map<String, Object> map, String key, String value) {
    if (value != null && !value.isBlank()) {
      map.put(key, value.trim());
    }
  }

  /** As {@link #put}, but a secret is kept exactly as typed: its spaces may be part of it. */
  static void putSecret(Map<String, Object> map, String key, String value) {
    if (value != null && !value.isEmpty()) {
      map.put(key, value);
    }
  }
}
