package io.credflow.credential;

import java.time.Instant;

/** Why a credential is not ready: a stable code and a sentence a person can act on. */
public record CredentialError(String code, String detail, Instant at) {}
