package io.credflow.executor;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Whose an attachment is and how long it lives: the workspace whose members may read it, the flow
 * run it belongs to (none for a request made through the API) and the instant it expires.
 */
public record AttachmentScope(String workspaceId, Optional<String> runId, Instant expiresAt) {
  public AttachmentScope {
    Objects.requireNonNull(workspaceId, "workspaceId");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
