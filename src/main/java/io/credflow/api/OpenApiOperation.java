package io.credflow.api;

import static io.credflow.api.OpenApiSchemas.ref;
import static io.credflow.api.OpenApiSchemas.string;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One operation of the description, built in one chained statement: its path parameters come from
 * the path template, the errors every {@code /v2} route may answer are added for it, and each
 * request body and answer carries an example.
 */
final class OpenApiOperation {
  private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");

  /** The statuses every authenticated {@code /v2} route may answer, whatever it does. */
  private static final List<Integer> EVERY_API_ROUTE = List.of(400, 401, 406, 429);

  private final Operation operation;

  OpenApiOperation(Operation operation, String path, boolean authenticated) {
    this.operation = operation.responses(new ApiResponses());
    Matcher m = PATH_PARAMETER.matcher(path);
    while (m.find()) {
      operation.addParametersItem(
          new Parameter()
              .in("path")
              .name(m.group(1))
              .required(true)
              .description(describe(m.group(1), path))
              .schema(string()));
    }
    if (authenticated) {
      EVERY_API_ROUTE.forEach(this::error);
    } else {
      operation.security(List.of());
    }
  }

  private static String describe(String parameter, String path) {
    int at = path.indexOf("{" + parameter + "}");
    String before = path.substring(0, at - 1);
    String collection = before.substring(before.lastIndexOf('/') + 1);
    return switch (parameter) {
      case "ws" -> "The workspace's id.";
      case "user_id" -> "The member's user id.";
      case "hook" -> "The flow's hook id (the end of its trigger.url).";
      default -> "The id of the resource in " + collection + ".";
    };
  }

  OpenApiOperation description(String description) {
    operation.description(description);
    return this;
  }

  /**
   * An optional query parameter with an example value, which the examples send; null for a
   * parameter they leave out.
   */
  OpenApiOperation query(String name, String description, String example) {
    Parameter parameter =
        new Parameter()
            .in("query")
            .name(name)
            .required(false)
            .description(description)
            .schema(string());
    if (example != null) {
      parameter.example(example);
    }
    operation.addParametersItem(parameter);
    return this;
  }

  /** {@code page[size]} and {@code page[after]}. */
  OpenApiOperation paged() {
    return query("page[size]", "Items per page, 1 to 500 (default 50).", "50")
        .query(
            "page[after]",
            "The cursor of the next page, as links.next gives it.",
            Requests.encodeCursor(50));
  }

  /**
   * A required JSON:API body of {@code schema} with {@code example}; bodies may also be too large
   * (413), of another media type (415) or of another resource type (409).
   */
  OpenApiOperation body(String schema, String example) {
    operation.requestBody(
        new RequestBody()
            .required(true)
            .content(
                new Content()
                    .addMediaType(
                        JsonApi.MEDIA_TYPE,
                        new MediaType().schema(ref(schema)).example(jsonOf(example)))));
    return errors(409, 413, 415, 422);
  }

  /** An optional body of any kind (a webhook's), with a JSON {@code example}. */
  OpenApiOperation rawBody(String example) {
    operation.requestBody(
        new RequestBody()
            .required(false)
            .description("Any body up to 1 MiB: JSON, a form, text or bytes.")
            .content(
                new Content()
                    .addMediaType(
                        "application/json",
                        new MediaType().schema(OpenApiSchemas.any()).example(jsonOf(example)))
                    .addMediaType(
                        "text/plain", new MediaType().schema(string()).example("order 42"))));
    return this;
  }

  /** A successful answer of {@code schema} ({@code JsonApi.MEDIA_TYPE}) with {@code example}. */
  OpenApiOperation answers(int status, String description, String schema, JsonNode example) {
    return answers(status, description, JsonApi.MEDIA_TYPE, ref(schema), example);
  }

  /** An answer of {@code mediaType} with {@code schema} and {@code example}. */
  OpenApiOperation answers(
      int status, String description, String mediaType, Schema<?> schema, Object example) {
    MediaType media = new MediaType().schema(schema);
    if (example != null) {
      media.example(example);
    }
    ApiResponse response =
        operation
            .getResponses()
            .computeIfAbsent(
                Integer.toString(status),
                s -> new ApiResponse().description(description).content(new Content()));
    response.getContent().addMediaType(mediaType, media);
    return this;
  }

  /** {@code 204}: done, nothing to say. */
  OpenApiOperation noContent(String description) {
    operation.getResponses().addApiResponse("204", new ApiResponse().description(description));
    return this;
  }

  /** A header of the answer with {@code status}. */
  OpenApiOperation header(int status, String name, String description) {
    operation
        .getResponses()
        .get(Integer.toString(status))
        .addHeaderObject(name, new Header().description(description).schema(string()));
    return this;
  }

  /** Errors the route may answer: each a JSON:API error document of that status. */
  OpenApiOperation errors(int... statuses) {
    for (int status : statuses) {
      error(status);
    }
    return this;
  }

  private void error(int status) {
    operation
        .getResponses()
        .addApiResponse(
            Integer.toString(status),
            new ApiResponse().$ref("#/components/responses/" + OpenApiErrors.name(status)));
  }

  static JsonNode jsonOf(String text) {
    try {
      return JsonApi.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("an example of the description is not JSON: " + text, e);
    }
  }
}
