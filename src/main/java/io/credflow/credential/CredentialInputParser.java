package io.credflow.credential;

import io.credflow.authclient.ApiKeySettings;
import io.credflow.authclient.AuthClientSettings;
import io.credflow.authclient.BasicSettings;
import io.credflow.authclient.InstagramSettings;
import io.credflow.authclient.NoAuthSettings;
import io.credflow.authclient.OAuth2Settings;
import io.credflow.authclient.SettingsParser;
import io.credflow.common.Members;
import io.credflow.common.Secret;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a credential's {@code credentials} member into a {@link CredentialInput}, by the type of
 * its auth-client, checking every member the type knows and refusing the ones it does not. The
 * counterpart of {@link SettingsParser} for credentials.
 */
public final class CredentialInputParser {
  private static final Set<String> BASIC_MEMBERS = Set.of("username", "password");
  private static final Set<String> API_KEY_MEMBERS = Set.of("value");
  private static final Set<String> AUTHENTICATE_MEMBERS = Set.of("state", "code");
  private static final Set<String> TOKEN_MEMBERS =
      Set.of("access_token", "refresh_token", "expires_in", "scope", "token_type");

  private CredentialInputParser() {}

  /**
   * The input in {@code tree} for an auth-client with {@code settings}; {@code storedUsername} is
   * the user name of the basic credential being changed, if any. Throws a {@link
   * io.credflow.common.ValidationException} naming every member to fix, as fields under {@code
   * base} (e.g. {@code credentials}).
   */
  public static CredentialInput parse(
      Object tree, String base, AuthClientSettings settings, Optional<String> storedUsername) {
    Members m = Members.of(tree, base, settings.type().wireName() + " credentials");
    CredentialInput input =
        switch (settings) {
          case NoAuthSettings s -> {
            m.allowOnly(Set.of());
            yield new CredentialInput.None();
          }
          case BasicSettings s -> basic(m, s, storedUsername);
          case ApiKeySettings s -> apiKey(m, s);
          case OAuth2Settings s -> tokens(m, s.tokenExpiresIn());
          case InstagramSettings s -> tokens(m, s.tokenExpiresIn());
        };
    m.finish();
    return input;
  }

  private static CredentialInput basic(
      Members m, BasicSettings s, Optional<String> storedUsername) {
    m.allowOnly(BASIC_MEMBERS);
    Optional<String> username =
        m.string("username", false).or(() -> storedUsername).or(s::defaultUsername);
    Optional<Secret> password = m.secret("password", true);
    if (username.isEmpty() && !m.has("username")) {
      m.violation(
          "username",
          "missing_member",
          "basic credentials need \"username\": the auth-client has no default user name");
    }
    if (username.isPresent() && username.get().contains(":")) {
      m.violation("username", "invalid_username", "a Basic user name cannot contain \":\"");
    }
    return new CredentialInput.Basic(username.orElse(""), password.orElse(Secret.of("")));
  }

  private static CredentialInput apiKey(Members m, ApiKeySettings s) {
    m.allowOnly(API_KEY_MEMBERS);
    // Without a shared key on the auth-client, the credential must bring its own.
    return new CredentialInput.ApiKey(m.secret("value", s.value().isEmpty()));
  }

  private static CredentialInput tokens(Members m, long defaultExpiresIn) {
    if (m.has("state") || m.has("code")) {
      m.allowOnly(AUTHENTICATE_MEMBERS);
      Optional<Secret> state = m.secret("state", true);
      Optional<Secret> code = m.secret("code", false);
      return new CredentialInput.Authenticate(state.orElse(Secret.of("")), code);
    }
    m.allowOnly(TOKEN_MEMBERS);
    Optional<Secret> access = m.secret("access_token", true);
    Optional<Secret> refresh = m.secret("refresh_token", false);
    long expiresIn =
        m.longInRange("expires_in", 1, SettingsParser.MAX_TOKEN_EXPIRES_IN)
            .orElse(defaultExpiresIn);
    Optional<String> scope = m.string("scope", false);
    Optional<String> tokenType = m.string("token_type", false);
    if (tokenType.isPresent() && !tokenType.get().equalsIgnoreCase("bearer")) {
      m.violation("token_type", "unsupported_token_type", "token_type must be bearer (any case)");
    }
    return new CredentialInput.Tokens(access.orElse(Secret.of("")), refresh, expiresIn, scope);
  }
}
