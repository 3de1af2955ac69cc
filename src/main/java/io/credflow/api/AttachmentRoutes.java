package io.credflow.api;

import io.credflow.common.NotFoundException;
import io.credflow.executor.AttachmentContent;
import io.credflow.executor.Attachments;
import io.credflow.tenancy.TenancyService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;

/**
 * Attachments ({@code downloadAsAttachment}) of a workspace: their bytes, to the workspace's
 * members, until they expire.
 */
final class AttachmentRoutes {
  private final TenancyService tenancy;
  private final Attachments attachments;

  AttachmentRoutes(TenancyService tenancy, Attachments attachments) {
    this.tenancy = tenancy;
    this.attachments = attachments;
  }

  void register(RoutesConfig routes) {
    routes.get("/v2/workspaces/{ws}/attachments/{id}", this::get);
  }

  /**
   * The bytes with their content type and length. They are served as a download in a sandbox: an
   * upstream chose the content type, and this origin also serves the console.
   */
  private void get(Context ctx) throws IOException {
    Requests.allowQuery(ctx, Set.of());
    String ws = Requests.id(ctx, "ws", "workspace");
    String id = Requests.id(ctx, "id", "attachment");
    tenancy.workspace(Requests.caller(ctx), ws);
    try (AttachmentContent content =
        attachments.open(ws, id).orElseThrow(() -> new NotFoundException("attachment", id))) {
      ctx.status(200);
      ctx.header("Content-Type", content.contentType());
      ctx.header("Content-Disposition", "attachment; filename=\"" + id + "\"");
      ctx.header("Content-Security-Policy", "sandbox");
      ctx.res().setContentLengthLong(content.size());
      try (InputStream in = content.body();
          OutputStream out = ctx.res().getOutputStream()) {
        in.transferTo(out);
      }
    }
  }
}
