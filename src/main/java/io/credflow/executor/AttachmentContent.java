package io.credflow.executor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * An attachment opened for reading: its content type, its size in bytes and its bytes as a stream,
 * which the reader must close (try-with-resources on this value closes it).
 */
public record AttachmentContent(String contentType, long size, InputStream body)
    implements AutoCloseable {
  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
