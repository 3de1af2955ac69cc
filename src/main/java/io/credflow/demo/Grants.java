package io.credflow.demo;

import io.credflow.common.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the demo provider remembers: authorization requests waiting for the user's answer,
 * authorization codes, and token families (one per redeemed code) holding the access and refresh
 * tokens issued from it, so that a replayed code or a replayed refresh token takes down every token
 * of its family. In memory, bounded, and forgotten when expired; every instant comes from the
 * injected clock. Thread-safe: every method holds the object's lock, so a rotation or a redemption
 * is one step that two racing requests cannot both win.
 */
final class Grants {
  private static final Logger LOG = LoggerFactory.getLogger(Grants.class);

  /** How long an authorization code can be redeemed. */
  static final Duration CODE_LIFETIME = Duration.ofSeconds(60);

  /** How long the consent page waits for the user's answer. */
  static final Duration PENDING_LIFETIME = Duration.ofMinutes(10);

  /** Entries per kind (pending requests, codes, families, access and refresh tokens). */
  static final int DEFAULT_LIMIT = 10_000;

  /** An authorization request that passed validation: what the consent page answers. */
  record Request(
      String clientId,
      String redirectUri,
      String state,
      List<String> scopes,
      String codeChallenge) {
    Request {
      scopes = List.copyOf(scopes);
    }
  }

  /** What the token endpoint answers. */
  sealed interface Outcome permits Issued, Refused {}

  /** New tokens; {@code expiresIn} is the access token's lifetime. */
  record Issued(Secret accessToken, Secret refreshToken, Duration expiresIn, List<String> scope)
      implements Outcome {}

  /** An OAuth error code (RFC 6749 §5.2) and a description a person can act on. */
  record Refused(String error, String description) implements Outcome {}

  /** Whom a valid access token speaks for, and what it may do. */
  record Holder(String subject, List<String> scope) {}

  private record Pending(Request request, Instant expiresAt) {}

  private record Code(
      Request request,
      String subject,
      List<String> scope,
      Instant expiresAt,
      boolean spent,
      Optional<String> family,
      Instant forgetAt) {
    Code asSpent(Optional<String> family, Instant forgetAt) {
      return new Code(request, subject, scope, expiresAt, true, family, forgetAt);
    }
  }

  private record Family(
      String clientId, String subject, List<String> scope, boolean revoked, Instant forgetAt) {
    Family asRevoked() {
      return new Family(clientId, subject, scope, true, forgetAt);
    }

    Family keptUntil(Instant until) {
      return new Family(clientId, subject, scope, revoked, until);
    }
  }

  private record Access(String family, List<String> scope, Instant expiresAt) {}

  private record Refresh(String family, Instant expiresAt, boolean spent) {
    Refresh asSpent() {
      return new Refresh(family, expiresAt, true);
    }
  }

  private final Clock clock;
  private final Duration accessLifetime;
  private final Duration refreshLifetime;
  private final SecureRandom random = new SecureRandom();
  private final ExpiringMap<Pending> pending;
  private final ExpiringMap<Code> codes;
  private final ExpiringMap<Family> families;
  private final ExpiringMap<Access> accessTokens;
  private final ExpiringMap<Refresh> refreshTokens;
  private long nextFamily;

  Grants(Clock clock, Duration accessLifetime, Duration refreshLifetime, int limit) {
    this.clock = clock;
    this.accessLifetime = accessLifetime;
    this.refreshLifetime = refreshLifetime;
    this.pending = new ExpiringMap<>(limit, Pending::expiresAt);
    this.codes = new ExpiringMap<>(limit, Code::forgetAt);
    this.families = new ExpiringMap<>(limit, Family::forgetAt);
    this.accessTokens = new ExpiringMap<>(limit, Access::expiresAt);
    // A spent refresh token is kept until it would have expired: presented again before then, it
    // gives its family away as stolen (or double spent).
    this.refreshTokens = new ExpiringMap<>(limit, Refresh::expiresAt);
  }

  /** Keeps {@code request} until the user answers; the reference the consent form carries. */
  synchronized String hold(Request request) {
    Instant now = clock.instant();
    String reference = newValue();
    pending.put(reference, new Pending(request, now.plus(PENDING_LIFETIME)), now);
    return reference;
  }

  /** The request behind {@code reference}, if it still waits for an answer. */
  synchronized Optional<Request> pending(String reference) {
    return pending.get(reference, clock.instant()).map(Pending::request);
  }

  /** Takes the request off the waiting list: whoever takes it answers it, once. */
  synchronized Optional<Request> take(String reference) {
    return pending.remove(reference, clock.instant()).map(Pending::request);
  }

  /** A code for {@code subject}, who granted {@code scope} of what {@code request} asked. */
  synchronized String issueCode(Request request, String subject, List<String> scope) {
    Instant now = clock.instant();
    String code = newValue();
    Instant expiresAt = now.plus(CODE_LIFETIME);
    codes.put(
        code,
        new Code(
            request, subject, List.copyOf(scope), expiresAt, false, Optional.empty(), expiresAt),
        now);
    return code;
  }

  /**
   * Redeems {@code code} for tokens. Any attempt by the code's own client spends the code, whether
   * it then succeeds or not; a spent code presented again revokes the tokens issued from it (RFC
   * 6749 §4.1.2), since one of the two presenters is not who it should be.
   */
  synchronized Outcome redeem(
      String clientId, String code, Optional<String> redirectUri, Optional<String> verifier) {
    Instant now = clock.instant();
    Optional<Code> found = codes.get(code, now);
    if (found.isEmpty() || !found.get().request().clientId().equals(clientId)) {
      return new Refused("invalid_grant", "the authorization code is unknown or expired");
    }
    Code c = found.get();
    if (c.spent()) {
      c.family().ifPresent(f -> revoke(f, "authorization code", now));
      return new Refused(
          "invalid_grant",
          "the authorization code was already used; the tokens issued for it are revoked");
    }
    codes.put(code, c.asSpent(Optional.empty(), c.expiresAt()), now);
    if (!redirectUri.equals(Optional.of(c.request().redirectUri()))) {
      return new Refused(
          "invalid_grant", "redirect_uri must be the one of the authorization request");
    }
    if (verifier.isEmpty() || !matches(verifier.get(), c.request().codeChallenge())) {
      return new Refused(
          "invalid_grant", "code_verifier does not match the code_challenge of the request");
    }
    String family = "family-" + ++nextFamily;
    Instant forgetAt = now.plus(refreshLifetime);
    families.put(family, new Family(clientId, c.subject(), c.scope(), false, forgetAt), now);
    codes.put(code, c.asSpent(Optional.of(family), forgetAt), now);
    return issue(family, c.scope(), now);
  }

  /**
   * Rotates {@code refreshToken}: new tokens, and the presented one is spent. A spent token
   * presented again revokes its whole family: either the client lost track of its tokens or someone
   * else holds a copy, and the provider cannot tell which (OAuth 2.0 Security BCP §4.14).
   */
  synchronized Outcome refresh(String clientId, String refreshToken, Optional<List<String>> scope) {
    Instant now = clock.instant();
    Optional<Refresh> found = refreshTokens.get(refreshToken, now);
    Optional<Family> family = found.flatMap(r -> families.get(r.family(), now));
    if (family.isEmpty() || !family.get().clientId().equals(clientId)) {
      return new Refused("invalid_grant", "the refresh token is unknown or expired");
    }
    Refresh r = found.get();
    Family f = family.get();
    if (r.spent()) {
      revoke(r.family(), "refresh token", now);
      return new Refused(
          "invalid_grant",
          "the refresh token was already used (refresh tokens rotate); every token of its grant"
              + " is revoked, authenticate again");
    }
    if (f.revoked()) {
      return new Refused("invalid_grant", "the grant of this refresh token was revoked");
    }
    List<String> granted = scope.orElse(f.scope());
    if (!f.scope().containsAll(granted)) {
      return new Refused(
          "invalid_scope",
          "a refresh may narrow the granted scope '"
              + String.join(" ", f.scope())
              + "', not widen it");
    }
    refreshTokens.put(refreshToken, r.asSpent(), now);
    return issue(r.family(), granted, now);
  }

  /** Whom {@code accessToken} speaks for, while it is valid and its family not revoked. */
  synchronized Optional<Holder> holder(String accessToken) {
    Instant now = clock.instant();
    Optional<Access> access = accessTokens.get(accessToken, now);
    return access
        .flatMap(a -> families.get(a.family(), now))
        .filter(f -> !f.revoked())
        .map(f -> new Holder(f.subject(), access.get().scope()));
  }

  private Issued issue(String family, List<String> scope, Instant now) {
    String access = newValue();
    String refresh = newValue();
    accessTokens.put(access, new Access(family, scope, now.plus(accessLifetime)), now);
    Instant refreshExpiresAt = now.plus(refreshLifetime);
    refreshTokens.put(refresh, new Refresh(family, refreshExpiresAt, false), now);
    families
        .get(family, now)
        .ifPresent(f -> families.put(family, f.keptUntil(refreshExpiresAt), now));
    return new Issued(Secret.of(access), Secret.of(refresh), accessLifetime, scope);
  }

  private void revoke(String family, String replayed, Instant now) {
    families
        .get(family, now)
        .ifPresent(
            f -> {
              // Worth a line in the log of whoever tries the demo: a replay is what the demo is
              // there to show. The account name is no secret; the token stays out.
              LOG.warn(
                  "demo provider: a spent {} of {} was presented again; every token of its grant"
                      + " is revoked",
                  replayed,
                  f.subject());
              families.put(family, f.asRevoked(), now);
            });
  }

  /** BASE64URL(SHA-256(verifier)) against the challenge (RFC 7636 §4.6), in constant time. */
  private static boolean matches(String verifier, String challenge) {
    byte[] digest;
    try {
      digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    String computed = Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    return MessageDigest.isEqual(
        computed.getBytes(StandardCharsets.US_ASCII),
        challenge.getBytes(StandardCharsets.US_ASCII));
  }

  /** 256 random bits, base64url: codes, tokens and request references alike. */
  private String newValue() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
