package io.credflow.authclient;

import io.credflow.common.Field;
import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Applies a {@link SettingsPatch} to stored settings. For OAuth types only the client secret, the
 * token lifetime, the scopes and the expiry signals ({@code token_expired_when}) may change: a new
 * client id or endpoint means a new auth-client, whose tokens the provider issued to someone else.
 */
final class SettingsMerge {
  /**
   * Members an oauth2/oauth2_instagram PATCH may change; any other change means a new client. A
   * {@code token_expired_when} is replaced whole (or removed with {@code null}), never merged.
   */
  private static final Set<String> OAUTH_MUTABLE =
      Set.of(
          "client_secret",
          "token_expires_in",
          "scopes",
          "token_expired_when",
          SettingsParser.VERIFY_REQUEST,
          SettingsParser.REFRESH_TOKEN_LIFETIME,
          SettingsParser.CLIENT_SECRET_EXPIRES_AT);

  private SettingsMerge() {}

  /**
   * The settings {@code patch} makes of {@code current}; violations name fields under {@code base}.
   */
  static AuthClientSettings apply(AuthClientSettings current, SettingsPatch patch, String base) {
    Map<String, Object> merged = new LinkedHashMap<>(current.members());
    List<Violation> violations = new ArrayList<>();
    patch
        .edits()
        .forEach(
            (member, edit) -> {
              Object old = merged.get(member);
              switch (edit) {
                case SettingsPatch.Edit.Keep k -> {
                  if (!(old instanceof Secret)) {
                    violations.add(
                        new Violation(
                            Field.child(base, member),
                            "masked_value",
                            member
                                + " has no stored value to keep: send the real value instead of \""
                                + Secret.MASK
                                + "\""));
                  }
                }
                case SettingsPatch.Edit.Replace r -> {
                  if (mayChange(current, member, old, r.value(), base, violations)) {
                    merged.put(member, r.value());
                  }
                }
                case SettingsPatch.Edit.Remove r -> {
                  if (mayChange(current, member, old, null, base, violations)) {
                    merged.remove(member);
                  }
                }
              }
            });
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
    merged.replaceAll((k, v) -> reveal(v));
    return SettingsParser.parse(current.type(), merged, base);
  }

  private static boolean mayChange(
      AuthClientSettings current,
      String member,
      Object old,
      Object value,
      String base,
      List<Violation> violations) {
    if (!current.type().isOAuth()
        || OAUTH_MUTABLE.contains(member)
        || Objects.equals(reveal(old), value)) {
      return true;
    }
    violations.add(
        new Violation(
            Field.child(base, member),
            "immutable_member",
            member
                + " of an "
                + current.type().wireName()
                + " auth-client cannot change: a new client id or endpoint means a new"
                + " auth-client"));
    return false;
  }

  private static Object reveal(Object value) {
    return value instanceof Secret s ? s.reveal() : value;
  }
}
