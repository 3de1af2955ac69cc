package io.credflow.authclient;

import io.credflow.common.Field;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import io.credflow.outbound.OutboundPolicy;
import io.credflow.outbound.OutboundRefusedException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The endpoints of OAuth settings, checked against the outbound guard when an auth-client is
 * written: an address Credflow will never call is refused then, at its member, rather than first
 * when a code is redeemed and the user's round trip is spent. Only what the URL itself says is
 * checked (scheme, user information, a literal address); a name is resolved and checked when it is
 * called, since its addresses may change.
 */
final class EndpointCheck {
  private EndpointCheck() {}

  /**
   * Refuses every endpoint of {@code settings} the guard refuses, except those equal in {@code
   * before} (a stored endpoint is not refused again on an unrelated change); fields under {@code
   * base}.
   *
   * @throws ValidationException {@code outbound_refused} (or {@code host_not_found}) at each such
   *     member
   */
  static void check(
      OutboundPolicy policy, AuthClientSettings settings, Map<String, URI> before, String base) {
    List<Violation> violations = new ArrayList<>();
    endpoints(settings)
        .forEach(
            (member, uri) -> {
              if (Objects.equals(before.get(member), uri)) {
                return;
              }
              try {
                policy.checkUrl(uri);
              } catch (OutboundRefusedException e) {
                violations.add(
                    new Violation(
                        Field.child(base, member),
                        e.code(),
                        member + " is refused: " + e.getMessage()));
              }
            });
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
  }

  /** The endpoints of {@code settings} by member name; none for types without any. */
  static Map<String, URI> endpoints(AuthClientSettings settings) {
    Map<String, URI> out = new LinkedHashMap<>();
    switch (settings) {
      case OAuth2Settings o -> {
        out.put("auth_uri", o.authUri());
        out.put("token_uri", o.tokenUri());
        o.refreshTokenUri().ifPresent(u -> out.put("refresh_token_uri", u));
        o.revocationUri().ifPresent(u -> out.put("revocation_uri", u));
      }
      case InstagramSettings i -> {
        out.put("auth_uri", i.authUri());
        out.put("token_uri", i.tokenUri());
        out.put("exchange_uri", i.exchangeUri());
        out.put("refresh_uri", i.refreshUri());
      }
      case NoAuthSettings n -> {}
      case BasicSettings b -> {}
      case ApiKeySettings k -> {}
    }
    return out;
  }
}
