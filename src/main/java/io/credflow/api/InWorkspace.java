package io.credflow.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.common.Page;
import io.credflow.common.PageRequest;
import io.credflow.tenancy.Caller;
import io.javalin.http.Context;
import java.util.Set;
import java.util.function.Function;

/**
 * What the handlers of a resource under {@code /v2/workspaces/{ws}/…} share when they take no query
 * parameters: the workspace and resource ids from the path, the caller, one service call, and the
 * answer as the resource's {@code …Routes} represents it. A path id not shaped like an id is a 404
 * naming {@code type}, as {@link Requests#id} answers.
 */
final class InWorkspace {
  private InWorkspace() {}

  /** A service call on one resource of a workspace, answering it as it is after. */
  @FunctionalInterface
  interface Action<T> {
    T apply(Caller caller, String workspace, String id);
  }

  /** A service call on one resource of a workspace that answers nothing (a delete). */
  @FunctionalInterface
  interface Removal {
    void apply(Caller caller, String workspace, String id);
  }

  /** A service call for a page of a workspace's resources. */
  @FunctionalInterface
  interface Listing<T> {
    Page<T> apply(Caller caller, String workspace, PageRequest page);
  }

  /** A service call changing one resource of a workspace by a JSON:API document. */
  @FunctionalInterface
  interface Edit<T> {
    T apply(Caller caller, String workspace, String id, Document doc);
  }

  /**
   * {@code …/{id}} (a read, or a POST acting on the resource): {@code status} with the resource
   * {@code action} answers.
   */
  static <T> void answer(
      Context ctx,
      int status,
      String type,
      Action<T> action,
      Function<T, ObjectNode> representation) {
    Requests.allowQuery(ctx, Set.of());
    T value =
        action.apply(
            Requests.caller(ctx),
            Requests.id(ctx, "ws", "workspace"),
            Requests.id(ctx, "id", type));
    JsonApi.write(ctx, status, Representations.single(representation.apply(value)));
  }

  /** {@code DELETE …/{id}}: {@code 204}. */
  static void delete(Context ctx, String type, Removal removal) {
    Requests.allowQuery(ctx, Set.of());
    removal.apply(
        Requests.caller(ctx), Requests.id(ctx, "ws", "workspace"), Requests.id(ctx, "id", type));
    ctx.status(204);
  }

  /** {@code GET /v2/workspaces/{ws}/}{@code collection}: a page, with its next link. */
  static <T> void list(
      Context ctx, String collection, Listing<T> listing, Function<T, ObjectNode> representation) {
    String ws = Requests.id(ctx, "ws", "workspace");
    Requests.allowQuery(ctx, Set.of());
    Page<T> page = listing.apply(Requests.caller(ctx), ws, Requests.page(ctx));
    JsonApi.write(
        ctx,
        200,
        Representations.list(
            page,
            representation,
            "/v2/workspaces/" + ws + "/" + collection,
            TenancyRoutes.queryOf(ctx)));
  }

  /**
   * {@code PATCH …/{id}}: a document of {@code type} whose id is the path's, with only {@code
   * attributes}, none of them null; {@code 200} with the resource as it is now.
   */
  static <T> void update(
      Context ctx,
      String type,
      Set<String> attributes,
      Edit<T> edit,
      Function<T, ObjectNode> representation) {
    String ws = Requests.id(ctx, "ws", "workspace");
    String id = Requests.id(ctx, "id", type);
    Requests.allowQuery(ctx, Set.of());
    Document doc = Document.read(ctx, type, attributes, Set.of());
    doc.requireIdMatching(id);
    doc.refuseNullAttributes(attributes);
    T changed = edit.apply(Requests.caller(ctx), ws, id, doc);
    JsonApi.write(ctx, 200, Representations.single(representation.apply(changed)));
  }
}
