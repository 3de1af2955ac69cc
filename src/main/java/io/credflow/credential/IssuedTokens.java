package io.credflow.credential;

import java.time.Instant;
import java.util.Optional;

/** Tokens a provider issued for a credential, with their expiry and granted scope. */
public record IssuedTokens(
    CredentialSecrets.Tokens tokens, Optional<Instant> expiresAt, Optional<String> scope) {}
