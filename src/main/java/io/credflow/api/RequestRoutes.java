package io.credflow.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.executor.Message;
import io.credflow.executor.RequestResult;
import io.credflow.executor.RequestSpec;
import io.credflow.executor.RestApiAction;
import io.credflow.executor.SpecParser;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Set;

/** The REST API component's request action over HTTP: a spec and a message in, a result out. */
final class RequestRoutes {
  private static final Set<String> ATTRIBUTES = Set.of("config", "message");
  private static final String CONFIG = "config";
  private static final int CACHED_BODY_LIMIT = 8 * 1024;

  private final RestApiAction action;

  RequestRoutes(RestApiAction action) {
    this.action = action;
  }

  void register(RoutesConfig routes) {
    routes.post("/v2/workspaces/{ws}/requests", this::execute);
  }

  private void execute(Context ctx) {
    Requests.allowQuery(ctx, Set.of());
    String ws = Requests.id(ctx, "ws", "workspace");
    Document doc = Document.read(ctx, "request", ATTRIBUTES, Set.of("credential"));
    doc.refuseClientId();
    Object config = doc.value("config", true).orElseThrow();
    // A flow step sends the same configuration with every message: parse it once. Large ones
    // (whole body templates) are parsed each time rather than kept.
    RequestSpec spec =
        ctx.req().getContentLengthLong() >= 0
                && ctx.req().getContentLengthLong() <= CACHED_BODY_LIMIT
            ? SpecParser.parseCached(config, CONFIG)
            : SpecParser.parse(config, CONFIG);
    Message message = Message.parse(doc.value("message", false).orElse(null), "message");
    String credential = doc.toOne("credential", "credential", true).orElseThrow();
    RequestResult result = action.execute(Requests.caller(ctx), ws, credential, spec, message);
    JsonApi.write(ctx, 200, document(result));
  }

  static ObjectNode document(RequestResult result) {
    ObjectNode doc = JsonApi.object();
    ObjectNode data = doc.putObject("data");
    data.put("type", "request-result");
    data.set("attributes", JsonApi.fromPlain(result.output()));
    return doc;
  }
}
