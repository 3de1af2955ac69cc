package io.credflow.testing.oauth;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The grant state of {@link FakeOAuthProvider}: authorization codes, and token families (one per
 * redeemed code or seeded grant) holding every access and refresh token issued from it, so that a
 * reuse or a revocation can take the whole family down. Not thread-safe: the provider calls it
 * under its lock.
 */
final class TokenFamilies {
  /** An authorization code and what it is bound to. */
  static final class Code {
    final String clientId;
    final String redirectUri;
    final Optional<String> challenge;
    final String scope;
    final Instant expiresAt;
    boolean redeemed;
    Family family;

    Code(
        String clientId,
        String redirectUri,
        Optional<String> challenge,
        String scope,
        Instant expiresAt) {
      this.clientId = clientId;
      this.redirectUri = redirectUri;
      this.challenge = challenge;
      this.scope = scope;
      this.expiresAt = expiresAt;
    }
  }

  /** One grant; every token issued from it points here, so revoking the family revokes them all. */
  static final class Family {
    final String clientId;
    final String scope;
    boolean revoked;

    Family(String clientId, String scope) {
      this.clientId = clientId;
      this.scope = scope;
    }
  }

  static final class Access {
    final Family family;
    final String scope;
    final Instant expiresAt;
    boolean revoked;

    Access(Family family, String scope, Instant expiresAt) {
      this.family = family;
      this.scope = scope;
      this.expiresAt = expiresAt;
    }

    boolean isValid(Instant now) {
      return !revoked && !family.revoked && now.isBefore(expiresAt);
    }
  }

  static final class Refresh {
    final Family family;
    boolean spent;

    Refresh(Family family) {
      this.family = family;
    }

    boolean isValid() {
      return !spent && !family.revoked;
    }
  }

  private final Map<String, Code> codes = new HashMap<>();
  private final Map<String, Access> access = new HashMap<>();
  private final Map<String, Refresh> refresh = new HashMap<>();

  String newCode(
      String clientId,
      String redirectUri,
      Optional<String> challenge,
      String scope,
      Instant expiresAt) {
    String value = FakeHttp.randomValue("code_");
    codes.put(value, new Code(clientId, redirectUri, challenge, scope, expiresAt));
    return value;
  }

  Optional<Code> code(String value) {
    return Optional.ofNullable(codes.get(value));
  }

  Family newFamily(String clientId, String scope) {
    return new Family(clientId, scope);
  }

  String issueAccess(Family family, String scope, Instant expiresAt) {
    String value = FakeHttp.randomValue("at_");
    access.put(value, new Access(family, scope, expiresAt));
    return value;
  }

  String issueRefresh(Family family) {
    String value = FakeHttp.randomValue("rt_");
    refresh.put(value, new Refresh(family));
    return value;
  }

  Optional<Access> access(String value) {
    return Optional.ofNullable(access.get(value));
  }

  Optional<Refresh> refresh(String value) {
    return Optional.ofNullable(refresh.get(value));
  }

  /**
   * Revokes a token; a refresh token takes its whole family with it. Unknown tokens are ignored.
   */
  void revoke(String token) {
    refresh(token).ifPresent(r -> r.family.revoked = true);
    access(token).ifPresent(a -> a.revoked = true);
  }
}
