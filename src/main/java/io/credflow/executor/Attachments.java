package io.credflow.executor;

import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * Where responses downloaded as attachments ({@code downloadAsAttachment}) are kept, and where
 * {@code uploadFile} reads Credflow's own attachment URLs from. Every process reads what any
 * process stored (on PostgreSQL); attachments are read per workspace and disappear when they
 * expire.
 */
public interface Attachments {
  /** The largest attachment: 100 MiB, the component's limit with {@code downloadAsAttachment}. */
  long MAX_BYTES = 100L * 1024 * 1024;

  /**
   * Stores {@code body} (read to its end, not closed) for {@code scope}, streaming it rather than
   * holding it in memory.
   *
   * @param contentType what the bytes are; {@code application/octet-stream} when null or unusable
   * @throws java.io.UncheckedIOException when reading {@code body} fails (its {@code IOException}
   *     is the cause) or it has more than {@link #MAX_BYTES}; nothing is stored then
   */
  Attachment store(AttachmentScope scope, String contentType, InputStream body);

  /** The attachment, when it exists in {@code workspaceId} and has not expired. */
  Optional<AttachmentContent> open(String workspaceId, String attachmentId);

  /** Deletes the attachments that expired at {@code now} or before; returns how many. */
  int sweep(Instant now);

  /** The URL attachment {@code attachmentId} of {@code workspaceId} is served at. */
  URI url(String workspaceId, String attachmentId);
}
