package io.credflow.store;

import io.credflow.common.Ids;
import io.credflow.executor.Attachment;
import io.credflow.executor.AttachmentContent;
import io.credflow.executor.AttachmentScope;
import io.credflow.executor.Attachments;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Attachments with their metadata in the {@code attachments} table and their bytes where every
 * process that may serve them can read them: on H2 (embedded, one process) as files in the data
 * directory's {@code attachments/}, on PostgreSQL in the database as 1 MiB {@code bytea} chunks
 * (see {@link ChunkBodies} for why not large objects). Both are written and read a buffer at a
 * time.
 *
 * <p>A row is inserted before its bytes are written and completed (given its size) after: readers
 * see complete attachments only, and one left half-written by a crash is swept when it expires.
 * Expired attachments are swept by {@link #sweep}, and by {@link #store} at most once per {@link
 * #SWEEP_INTERVAL}.
 */
public final class JdbcAttachments implements Attachments {
  /** How often storing an attachment also deletes the expired ones. */
  public static final Duration SWEEP_INTERVAL = Duration.ofHours(1);

  /** Longest content type kept; a longer one is stored as {@code application/octet-stream}. */
  static final int MAX_CONTENT_TYPE = 255;

  static final String OCTET_STREAM = "application/octet-stream";

  private static final String INSERT =
      "INSERT INTO attachments (id, workspace_id, run_id, content_type, created_at, expires_at)"
          + " VALUES (?, ?, ?, ?, ?, ?)";
  private static final String COMPLETE = "UPDATE attachments SET size = ? WHERE id = ?";
  private static final String FIND =
      "SELECT content_type, size FROM attachments"
          + " WHERE id = ? AND workspace_id = ? AND size IS NOT NULL AND expires_at > ?";
  private static final String EXPIRED = "SELECT id FROM attachments WHERE expires_at <= ?";
  private static final String DELETE = "DELETE FROM attachments WHERE id = ?";

  private final Jdbc jdbc;
  private final Bodies bodies;
  private final Supplier<URI> publicUrl;
  private final Clock clock;
  private final long maxBytes;
  private final AtomicReference<Instant> lastSweep = new AtomicReference<>();

  private JdbcAttachments(
      Jdbc jdbc, Bodies bodies, Supplier<URI> publicUrl, Clock clock, long maxBytes) {
    this.jdbc = jdbc;
    this.bodies = bodies;
    this.publicUrl = publicUrl;
    this.clock = clock;
    this.maxBytes = maxBytes;
  }

  /**
   * The attachments of {@code database}: files under {@code dataDir/attachments} on H2, chunks in
   * the database on PostgreSQL. URLs start with {@code publicUrl}, read at every call.
   */
  public static JdbcAttachments create(
      Database database, Path dataDir, Supplier<URI> publicUrl, Clock clock) {
    return create(database, dataDir, publicUrl, clock, MAX_BYTES);
  }

  /** {@link #create(Database, Path, Supplier, Clock)} with another size limit, for tests. */
  static JdbcAttachments create(
      Database database, Path dataDir, Supplier<URI> publicUrl, Clock clock, long maxBytes) {
    Bodies bodies =
        switch (database.dialect()) {
          case H2 -> new FileBodies(dataDir.resolve("attachments"));
          case POSTGRESQL -> new ChunkBodies(database.jdbc());
        };
    return new JdbcAttachments(database.jdbc(), bodies, publicUrl, clock, maxBytes);
  }

  @Override
  public Attachment store(AttachmentScope scope, String contentType, InputStream body) {
    Instant now = clock.instant();
    sweepIfDue(now);
    String id = Ids.newId();
    String type = contentType(contentType);
    jdbc.update(INSERT, id, scope.workspaceId(), scope.runId(), type, now, scope.expiresAt());
    long size;
    try {
      size = bodies.write(id, new Source(body, maxBytes));
      jdbc.update(COMPLETE, size, id);
    } catch (RuntimeException | Error e) {
      discard(id);
      throw e;
    }
    return new Attachment(id, url(scope.workspaceId(), id), type, size);
  }

  @Override
  public Optional<AttachmentContent> open(String workspaceId, String attachmentId) {
    record Found(String contentType, long size) {}
    return jdbc.queryOne(
            FIND,
            rs -> new Found(rs.getString("content_type"), rs.getLong("size")),
            attachmentId,
            workspaceId,
            clock.instant())
        .flatMap(
            f ->
                bodies
                    .read(attachmentId, f.size())
                    .map(in -> new AttachmentContent(f.contentType(), f.size(), in)));
  }

  @Override
  public int sweep(Instant now) {
    List<String> expired = jdbc.query(EXPIRED, rs -> rs.getString("id"), now);
    int deleted = 0;
    for (String id : expired) {
      deleted += discard(id);
    }
    return deleted;
  }

  @Override
  public URI url(String workspaceId, String attachmentId) {
    String base = publicUrl.get().toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + "/v2/workspaces/" + workspaceId + "/attachments/" + attachmentId);
  }

  private void sweepIfDue(Instant now) {
    Instant last = lastSweep.get();
    boolean due = last == null || !now.isBefore(last.plus(SWEEP_INTERVAL));
    if (due && lastSweep.compareAndSet(last, now)) {
      sweep(now);
    }
  }

  /** Deletes the row (its chunks go with it) and then its file; returns the rows deleted. */
  private int discard(String id) {
    int rows = jdbc.update(DELETE, id);
    bodies.delete(id);
    return rows;
  }

  /** A content type as it may be served again: printable ASCII of a sane length, or bytes. */
  static String contentType(String given) {
    if (given == null || given.isBlank() || given.strip().length() > MAX_CONTENT_TYPE) {
      return OCTET_STREAM;
    }
    String type = given.strip();
    for (int i = 0; i < type.length(); i++) {
      char c = type.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return OCTET_STREAM;
      }
    }
    return type;
  }

  /** Where the bytes live. */
  sealed interface Bodies permits FileBodies, ChunkBodies {
    /** Writes all of {@code source} for attachment {@code id}; returns how many bytes. */
    long write(String id, Source source);

    /** The bytes of a complete attachment of {@code size} bytes, unless they are gone. */
    Optional<InputStream> read(String id, long size);

    /** Deletes what {@link #write} wrote, if anything is left. */
    void delete(String id);
  }

  /**
   * The stream being stored, read a buffer at a time and counted. A failure to read it, or more
   * than the limit, is the caller's problem ({@link UncheckedIOException}); a failure to write is
   * the store's ({@link StoreException}).
   */
  static final class Source {
    private final InputStream in;
    private final long limit;
    private long read;

    Source(InputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    /** Fills {@code buffer} as far as the stream goes; returns the bytes read, 0 at the end. */
    int fill(byte[] buffer) {
      int n;
      try {
        n = in.readNBytes(buffer, 0, buffer.length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      read += n;
      if (read > limit) {
        throw new UncheckedIOException(
            new IOException("an attachment may have at most " + limit + " bytes"));
      }
      return n;
    }
  }
}
