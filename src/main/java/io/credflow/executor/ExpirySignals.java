package io.credflow.executor;

import io.credflow.authclient.OAuthSettings;
import io.credflow.authclient.TokenExpiredWhen;
import io.credflow.common.ValidationException;
import io.credflow.credential.Authority;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Whether an API's answer says that the OAuth2 token a request carried expired: a {@code 401} (with
 * or without a challenge, whatever scheme it names), a {@code WWW-Authenticate: Bearer
 * error="invalid_token"} with any status (RFC 6750 §3.1), or what the auth-client declares in
 * {@code token_expired_when}: a status from its list and, when it has one, its JSONata predicate
 * over {@code {status, headers, body}} evaluating to {@code true}. A predicate that fails on an
 * answer (or runs out of its budget) does not match: the answer then goes through the error rules
 * as any other.
 */
final class ExpirySignals {
  /** The field a failing predicate would name; never shown, since failures do not match. */
  private static final String FIELD = "credentials/token_expired_when/body";

  private static final Pattern INVALID_TOKEN =
      Pattern.compile("(?i)^\\s*bearer\\b.*\\berror\\s*=\\s*\"?invalid_token\"?.*");

  private ExpirySignals() {}

  static boolean expired(Authority authority, int status, HttpFields headers, byte[] body) {
    if (status == 401 || invalidTokenChallenge(headers)) {
      return true;
    }
    Optional<TokenExpiredWhen> declared =
        authority.authClient().settings() instanceof OAuthSettings o
            ? o.tokenExpiredWhen()
            : Optional.empty();
    return declared.isPresent() && matches(declared.get(), status, headers, body);
  }

  /**
   * Whether an answer of {@code status} with {@code headers} might say the token expired, before
   * its body is read: {@link #expired} is false whenever this is.
   */
  static boolean mightSayExpired(Authority authority, int status, HttpFields headers) {
    if (status == 401 || invalidTokenChallenge(headers)) {
      return true;
    }
    return authority.authClient().settings() instanceof OAuthSettings o
        && o.tokenExpiredWhen().filter(when -> when.statusMatches(status)).isPresent();
  }

  private static boolean invalidTokenChallenge(HttpFields headers) {
    if (!headers.contains(HttpHeader.WWW_AUTHENTICATE)) {
      return false;
    }
    for (HttpField f : headers.getFields(HttpHeader.WWW_AUTHENTICATE)) {
      if (f.getValue() != null && INVALID_TOKEN.matcher(f.getValue()).matches()) {
        return true;
      }
    }
    return false;
  }

  static boolean matches(TokenExpiredWhen when, int status, HttpFields headers, byte[] body) {
    if (!when.statusMatches(status)) {
      return false;
    }
    if (when.body().isEmpty()) {
      return true;
    }
    try {
      Expression predicate = Expression.compile(when.body().get(), FIELD);
      return Boolean.TRUE.equals(predicate.evaluate(input(status, headers, body), null, FIELD));
    } catch (ValidationException e) {
      return false;
    }
  }

  /** {@code {status, headers, body}}: header names lower-cased, repeats joined by commas. */
  private static Map<String, Object> input(int status, HttpFields headers, byte[] body) {
    Map<String, Object> names = new LinkedHashMap<>();
    for (HttpField f : headers) {
      String name = f.getName().toLowerCase(Locale.ROOT);
      String value = f.getValue() == null ? "" : f.getValue();
      names.merge(name, value, (a, b) -> a + ", " + b);
    }
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("status", status);
    in.put("headers", names);
    in.put(
        "body",
        ResponseDecoder.decode(body, headers.get(HttpHeader.CONTENT_TYPE), ResponseEncoding.UTF8));
    return in;
  }
}
