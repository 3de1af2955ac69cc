package io.credflow.console;

import io.credflow.authclient.AuthClientService;
import io.credflow.authclient.OAuth2Settings;
import io.credflow.authclient.SettingsParser;
import io.credflow.authclient.SettingsPatch;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.component.AuthClientType;
import io.credflow.console.view.Choice;
import io.credflow.tenancy.Level;
import io.credflow.tenancy.Location;
import io.credflow.tenancy.Workspace;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
          "credentials/refresh_token_lifetime",
          "credentials/client_secret_expires_at",
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

  /** The field of an oauth2 auth-client's refresh token lifetime, in days (the API's seconds). */
  static final String LIFETIME = "credentials/refresh_token_lifetime";

  /** The field of an oauth2 auth-client's client secret expiry, a date. */
  static final String SECRET_EXPIRES = "credentials/client_secret_expires_at";

  private static final long DAY_SECONDS = 24 * 3600;

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
        if (type == AuthClientType.OAUTH2) {
          lifetimeSeconds(ctx.formParam(LIFETIME))
              .ifPresent(v -> s.put(SettingsParser.REFRESH_TOKEN_LIFETIME, v));
          put(s, SettingsParser.CLIENT_SECRET_EXPIRES_AT, ctx.formParam(SECRET_EXPIRES));
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

  /**
   * The expiry settings of an oauth2 auth-client, as the edit form shows them and the user changed
   * them: an unchanged field keeps the stored value (a lifetime set through the API in seconds that
   * are not whole days is shown rounded, and must not be rounded by a save), an emptied one removes
   * it, and a changed one replaces it.
   */
  static Map<String, SettingsPatch.Edit> expiryEdits(Context ctx, OAuth2Settings stored) {
    Map<String, SettingsPatch.Edit> edits = new LinkedHashMap<>();
    Map<String, String> shown = expiryValues(stored);
    String lifetime = Optional.ofNullable(ctx.formParam(LIFETIME)).orElse("").trim();
    if (!lifetime.equals(shown.get(LIFETIME))) {
      edits.put(
          SettingsParser.REFRESH_TOKEN_LIFETIME,
          lifetimeSeconds(lifetime)
              .<SettingsPatch.Edit>map(SettingsPatch.Edit.Replace::new)
              .orElseGet(SettingsPatch.Edit.Remove::new));
    }
    String expires = Optional.ofNullable(ctx.formParam(SECRET_EXPIRES)).orElse("").trim();
    if (!expires.equals(shown.get(SECRET_EXPIRES))) {
      edits.put(
          SettingsParser.CLIENT_SECRET_EXPIRES_AT,
          expires.isEmpty()
              ? new SettingsPatch.Edit.Remove()
              : new SettingsPatch.Edit.Replace(expires));
    }
    return edits;
  }

  /** The expiry fields as the edit form shows {@code stored}: days, and the date in UTC. */
  static Map<String, String> expiryValues(OAuth2Settings stored) {
    return Map.of(
        LIFETIME,
        stored
            .refreshTokenLifetime()
            .map(
                seconds ->
                    BigDecimal.valueOf(seconds)
                        .divide(BigDecimal.valueOf(DAY_SECONDS), 2, RoundingMode.HALF_UP)
                        .stripTrailingZeros()
                        .toPlainString())
            .orElse(""),
        SECRET_EXPIRES,
        stored
            .clientSecretExpiresAt()
            .map(at -> LocalDate.ofInstant(at, ZoneOffset.UTC).toString())
            .orElse(""));
  }

  /**
   * The refresh token lifetime the form's days field means, in seconds; empty when the field is;
   * refused at the field unless a whole number of days the API accepts.
   */
  private static Optional<Long> lifetimeSeconds(String typed) {
    String days = Optional.ofNullable(typed).orElse("").trim();
    if (days.isEmpty()) {
      return Optional.empty();
    }
    if (days.matches("[0-9]{1,5}")) {
      long seconds = Long.parseLong(days) * DAY_SECONDS;
      if (seconds >= DAY_SECONDS && seconds <= SettingsParser.MAX_TOKEN_EXPIRES_IN) {
        return Optional.of(seconds);
      }
    }
    throw new ValidationException(
        LIFETIME,
        "out_of_range",
        "write a whole number of days from 1 to "
            + SettingsParser.MAX_TOKEN_EXPIRES_IN / DAY_SECONDS
            + ", e.g. 90 (not \""
            + (days.length() > 20 ? days.substring(0, 20) + "…" : days)
            + "\")");
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
