package io.credflow.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;

/**
 * Attachment bytes in the database, for PostgreSQL, so that every process serves what any process
 * stored. Chunks of {@link #CHUNK_BYTES} in a {@code bytea} column rather than one value or a large
 * object: a {@code bytea} value travels whole (the driver would hold 100 MiB, twice over as hex
 * text), while chunks are written and read one at a time, each in its own short statement, so no
 * connection is held while an upstream trickles its answer in. Large objects would stream too, but
 * they live outside the row, need {@code lo_unlink} on every delete (or they leak) and a
 * transaction around every read; chunk rows go with their attachment by {@code ON DELETE CASCADE}.
 */
final class ChunkBodies implements JdbcAttachments.Bodies {
  static final int CHUNK_BYTES = 1024 * 1024;

  private static final String INSERT =
      "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, ?, ?)";
  private static final String SELECT =
      "SELECT data FROM attachment_chunks WHERE attachment_id = ? AND seq = ?";

  private final Jdbc jdbc;

  ChunkBodies(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public long write(String id, JdbcAttachments.Source source) {
    byte[] buffer = new byte[CHUNK_BYTES];
    long size = 0;
    int seq = 0;
    for (int n; (n = source.fill(buffer)) > 0; seq++) {
      jdbc.update(INSERT, id, seq, n == buffer.length ? buffer : Arrays.copyOf(buffer, n));
      size += n;
    }
    return size;
  }

  @Override
  public Optional<InputStream> read(String id, long size) {
    return Optional.of(new Chunks(id, size));
  }

  @Override
  public void delete(String id) {
    // The chunks went with the attachment's row.
  }

  /** The chunks, fetched one at a time as the reader gets to them. */
  private final class Chunks extends InputStream {
    private final String id;
    private final long size;
    private long position;
    private int seq;
    private byte[] chunk = new byte[0];
    private int offset;

    Chunks(String id, long size) {
      this.id = id;
      this.size = size;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (position >= size) {
        return -1;
      }
      if (offset >= chunk.length) {
        chunk = next();
        offset = 0;
      }
      int n = Math.min(len, chunk.length - offset);
      System.arraycopy(chunk, offset, b, off, n);
      offset += n;
      position += n;
      return n;
    }

    private byte[] next() throws IOException {
      Optional<byte[]> data;
      try {
        data = jdbc.queryOne(SELECT, rs -> rs.getBytes("data"), id, seq++);
      } catch (StoreException e) {
        throw new IOException("cannot read attachment " + id, e);
      }
      if (data.isEmpty() || data.get().length == 0) {
        throw new IOException("attachment " + id + " was deleted while it was read");
      }
      return data.get();
    }
  }
}
