package io.credflow.tenancy;

import java.time.Instant;

/** A user's role at one node of the tree, and so at everything below it. */
public record Membership(String userId, Location at, Role role, Instant createdAt, long seq) {}
