package io.credflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code credflow request}: runs the REST API component's request action on a running Credflow
 * ({@code POST /v2/workspaces/{ws}/requests}) and prints the result. The exit code is 0 for a
 * result, 1 when the request failed (upstream error, rebound, refused), 2 for wrong usage.
 */
@Command(
    name = "request",
    mixinStandardHelpOptions = true,
    description = {
      "Execute a REST API request spec with a credential on a running Credflow server.",
      "The API key is read from CREDFLOW_API_KEY or --api-key-file (never from an argument,"
          + " which other users of the machine could see)."
    })
final class RequestCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--url",
      description = "Credflow server URL (CREDFLOW_URL; default http://127.0.0.1:8080)")
  String url;

  @Option(names = "--workspace", required = true, description = "Workspace id")
  String workspace;

  @Option(names = "--credential", required = true, description = "Credential id")
  String credential;

  @Option(
      names = "--config",
      required = true,
      description = "Request spec file (reader, errorPolicy, ...) as JSON")
  Path config;

  @Option(names = "--message", description = "Message file ({body, passthrough}) as JSON")
  Path message;

  @Option(names = "--api-key-file", description = "File holding the API key")
  Path apiKeyFile;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;

  RequestCommand() {
    this(System.getenv());
  }

  RequestCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String apiKey;
    ObjectNode body;
    try {
      apiKey = apiKey();
      body = document();
    } catch (UsageException e) {
      err.println("credflow request: " + e.getMessage());
      err.flush();
      return 2;
    }
    String base = url != null ? url : env.getOrDefault("CREDFLOW_URL", "http://127.0.0.1:8080");
    URI target;
    try {
      target = URI.create(strip(base) + "/v2/workspaces/" + workspace + "/requests");
    } catch (IllegalArgumentException e) {
      err.println("credflow request: --url is not a valid URL: " + e.getMessage());
      err.flush();
      return 2;
    }
    HttpResponse<String> response;
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      response =
          http.send(
              HttpRequest.newBuilder(target)
                  .header("Authorization", "Bearer " + apiKey)
                  .header("Content-Type", "application/vnd.api+json")
                  .header("Accept", "application/vnd.api+json")
                  .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      err.println("credflow request: could not reach " + base + ": " + e.getMessage());
      err.flush();
      return 1;
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(response.body());
    } catch (IOException e) {
      err.println("credflow request: " + base + " answered " + response.statusCode());
      err.flush();
      return 1;
    }
    if (response.statusCode() == 200) {
      out.println(
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer.at("/data/attributes")));
      out.flush();
      return 0;
    }
    err.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
    err.flush();
    return 1;
  }

  private ObjectNode document() throws UsageException {
    ObjectNode doc = JSON.createObjectNode();
    ObjectNode data = doc.putObject("data");
    data.put("type", "request");
    ObjectNode attributes = data.putObject("attributes");
    attributes.set("config", read(config, "--config"));
    if (message != null) {
      attributes.set("message", read(message, "--message"));
    }
    ObjectNode linkage = data.putObject("relationships").putObject("credential").putObject("data");
    linkage.put("type", "credential");
    linkage.put("id", credential);
    return doc;
  }

  private static JsonNode read(Path file, String option) throws UsageException {
    try {
      return JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UsageException(
          option + " " + file + " is not a readable JSON file: " + e.getMessage());
    }
  }

  private String apiKey() throws UsageException {
    if (apiKeyFile != null) {
      try {
        return Files.readString(apiKeyFile).strip();
      } catch (IOException e) {
        throw new UsageException("--api-key-file " + apiKeyFile + " cannot be read");
      }
    }
    String key = env.get("CREDFLOW_API_KEY");
    if (key == null || key.isBlank()) {
      throw new UsageException("set CREDFLOW_API_KEY or pass --api-key-file");
    }
    return key.strip();
  }

  private static String strip(String base) {
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  private static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }
}
