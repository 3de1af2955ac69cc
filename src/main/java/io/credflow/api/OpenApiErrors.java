package io.credflow.api;

import static io.credflow.api.OpenApiSchemas.constant;
import static io.credflow.api.OpenApiSchemas.object;
import static io.credflow.api.OpenApiSchemas.ref;
import static io.credflow.api.OpenApiSchemas.string;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.util.List;
import java.util.Map;

/**
 * The error answers of the description, one reusable response per status: a JSON:API error document
 * whose every error has that status, with an example of what Credflow writes.
 */
final class OpenApiErrors {
  private record Kind(String name, String when, String code, String detail, String source) {}

  private static final Map<Integer, Kind> KINDS =
      Map.ofEntries(
          Map.entry(
              400,
              new Kind(
                  "BadRequest",
                  "Malformed JSON, a malformed or unknown query parameter, or a body that is not"
                      + " UTF-8.",
                  "unknown_parameter",
                  "query parameter \"sort\" is not supported here; supported: []",
                  "{\"parameter\":\"sort\"}")),
          Map.entry(
              401,
              new Kind(
                  "Unauthorized",
                  "No API key, or a wrong one (with WWW-Authenticate).",
                  "unauthenticated",
                  "send your API key as Authorization: Bearer KEY or Basic base64(EMAIL:KEY)",
                  null)),
          Map.entry(
              403,
              new Kind(
                  "Forbidden",
                  "The caller sees the resource but its role does not allow this, or a webhook"
                      + " signature does not match.",
                  "forbidden",
                  "only an admin of the workspace may do this",
                  null)),
          Map.entry(
              404,
              new Kind(
                  "NotFound",
                  "No such resource, or one outside the caller's reach (never 403 for those).",
                  "not_found",
                  "workspace 0123456789abcdef01234567 was not found",
                  null)),
          Map.entry(
              406,
              new Kind(
                  "NotAcceptable",
                  "The Accept header allows no JSON.",
                  "not_acceptable",
                  "this API answers application/vnd.api+json; fix the Accept header",
                  null)),
          Map.entry(
              409,
              new Kind(
                  "Conflict",
                  "A conflict with the resource's state, or a body of another resource type.",
                  "type_mismatch",
                  "this endpoint takes a document of type \"tenant\", not \"contract\"",
                  "{\"pointer\":\"/data/type\"}")),
          Map.entry(
              413,
              new Kind(
                  "ContentTooLarge",
                  "A body over 1 MiB.",
                  "body_too_large",
                  "the body is larger than 1048576 bytes",
                  null)),
          Map.entry(
              415,
              new Kind(
                  "UnsupportedMediaType",
                  "A body that is not JSON (application/vnd.api+json or application/json).",
                  "unsupported_media_type",
                  "send the body as application/vnd.api+json",
                  null)),
          Map.entry(
              422,
              new Kind(
                  "UnprocessableContent",
                  "A valid JSON document with invalid members: every problem at its pointer.",
                  "required",
                  "attribute \"name\" is required",
                  "{\"pointer\":\"/data/attributes/name\"}")),
          Map.entry(
              429,
              new Kind(
                  "TooManyRequests",
                  "Too many failed authentications from the address, or too many requests of the"
                      + " key (with Retry-After).",
                  "rate_limited",
                  "this API key made more than 60000 requests in a minute: slow down and try again"
                      + " in 1 s",
                  null)),
          Map.entry(
              502,
              new Kind(
                  "BadGateway",
                  "The upstream or the provider failed.",
                  "upstream_error",
                  "Error! Status code: 500",
                  null)),
          Map.entry(
              503,
              new Kind(
                  "ServiceUnavailable",
                  "The step's error policy is rebound: send it again later.",
                  "rebound",
                  "the upstream answered 503; rebound",
                  null)));

  private OpenApiErrors() {}

  /** The name of the reusable response for {@code status}. */
  static String name(int status) {
    Kind kind = KINDS.get(status);
    if (kind == null) {
      throw new IllegalArgumentException("no error answer is described for status " + status);
    }
    return kind.name();
  }

  /** Adds every error response to {@code components}. */
  static void register(Components components) {
    KINDS.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> components.addResponses(e.getValue().name(), response(e.getKey())));
  }

  private static ApiResponse response(int status) {
    Kind kind = KINDS.get(status);
    com.fasterxml.jackson.databind.node.ObjectNode error =
        JsonApi.error(status, kind.code(), ApiServer.title(status), kind.detail());
    if (kind.source() != null) {
      error.set("source", OpenApiOperation.jsonOf(kind.source()));
    }
    com.fasterxml.jackson.databind.node.ArrayNode errors = JsonApi.array();
    errors.add(error);
    // Every error of the document has this status.
    var schema =
        new JsonSchema()
            .allOf(
                List.of(
                    ref("Errors"),
                    object(
                        "errors",
                        OpenApiSchemas.arrayOf(
                            object("status", constant(Integer.toString(status)))))));
    ApiResponse response =
        new ApiResponse()
            .description(kind.when())
            .content(
                new Content()
                    .addMediaType(
                        JsonApi.MEDIA_TYPE,
                        new MediaType().schema(schema).example(JsonApi.errors(errors))));
    if (status == 401) {
      response.addHeaderObject(
          "WWW-Authenticate",
          new Header().description("Basic and Bearer, realm credflow.").schema(string()));
    }
    if (status == 429) {
      response.addHeaderObject(
          "Retry-After", new Header().description("Seconds to wait.").schema(string()));
    }
    return response;
  }
}
