package io.credflow.tenancy;

import java.time.Instant;

/** A person or program that calls the API with an API key (only the key's digest is kept). */
public record User(String id, String email, boolean globalAdmin, Instant createdAt, long seq) {}
