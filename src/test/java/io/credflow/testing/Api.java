package io.credflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/** A small JSON:API client for tests: real HTTP to a real server. */
public final class Api {
  public static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final String MEDIA = "application/vnd.api+json";

  private final String baseUrl;
  private final String apiKey;

  public Api(String baseUrl, String apiKey) {
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
  }

  /** A response: status, parsed body (MissingNode when empty or not JSON), raw text, headers. */
  public record Response(int status, JsonNode body, String text, HttpResponse<String> raw) {
    public JsonNode data() {
      return body.path("data");
    }

    public String id() {
      return body.path("data").path("id").asText();
    }

    public JsonNode attributes() {
      return body.path("data").path("attributes");
    }

    /** The first error object. */
    public JsonNode error() {
      return body.path("errors").path(0);
    }

    public Optional<String> header(String name) {
      return raw.headers().firstValue(name);
    }
  }

  public Response get(String path) {
    return send(builder(path).GET());
  }

  public Response post(String path, String json) {
    return send(builder(path).header("Content-Type", MEDIA).POST(body(json)));
  }

  public Response post(String path, JsonNode json) {
    return post(path, json.toString());
  }

  public Response patch(String path, String json) {
    return send(builder(path).header("Content-Type", MEDIA).method("PATCH", body(json)));
  }

  public Response patch(String path, JsonNode json) {
    return patch(path, json.toString());
  }

  public Response put(String path, JsonNode json) {
    return send(builder(path).header("Content-Type", MEDIA).PUT(body(json.toString())));
  }

  public Response delete(String path) {
    return send(builder(path).DELETE());
  }

  /** Sends an arbitrary request, for tests of headers and methods. */
  public Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body;
      try {
        body = r.body().isEmpty() ? MissingNode.getInstance() : JSON.readTree(r.body());
      } catch (IOException e) {
        body = MissingNode.getInstance();
      }
      return new Response(r.statusCode(), body, r.body(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpRequest.Builder builder(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path));
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    return b;
  }

  private static HttpRequest.BodyPublisher body(String json) {
    return HttpRequest.BodyPublishers.ofString(json);
  }

  public String baseUrl() {
    return baseUrl;
  }
}
