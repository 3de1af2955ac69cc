package io.credflow.executor;

import java.net.URI;

/**
 * A stored attachment: its id, the URL it is served at ({@code GET
 * /v2/workspaces/{ws}/attachments/{id}}), its content type and its size in bytes.
 */
public record Attachment(String id, URI url, String contentType, long size) {
  /** The size only: the URL names the attachment, which members of its workspace may read. */
  @Override
  public String toString() {
    return "Attachment[" + contentType + ", " + size + " bytes]";
  }
}
