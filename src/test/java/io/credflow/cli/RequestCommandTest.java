package io.credflow.cli;

import static io.credflow.testing.ExecutorWorkspace.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.TestServer;
import io.credflow.testing.upstream.Upstream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code credflow request} in-process against a real server: the result JSON on stdout and exit 0,
 * a failed request's JSON:API error on stderr and exit 1, wrong usage a one-line message and exit
 * 2; the API key is in no output of any run.
 */
class RequestCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().upstreamServer().executorWorkspace("cli");

  private final TestServer server = credflow.server();
  private final Upstream upstream = credflow.upstream();
  private final ExecutorWorkspace w = credflow.executorWorkspace();
  @TempDir Path dir;

  /** Every output of every run, searched for the API key after each test. */
  private final List<String> outputs = new ArrayList<>();

  @AfterEach
  void noOutputShowsTheApiKey() {
    assertThat(outputs).isNotEmpty().noneMatch(o -> o.contains(TestServer.ADMIN_KEY));
    outputs.clear();
  }

  /** What one run printed and returned. */
  record Run(int exit, String out, String err) {
    JsonNode outJson() {
      return parse(out);
    }

    JsonNode errJson() {
      return parse(err);
    }

    private static JsonNode parse(String text) {
      try {
        return JSON.readTree(text);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text, e);
      }
    }
  }

  private Run run(Map<String, String> env, String... args) {
    CommandLine.IFactory factory =
        new CommandLine.IFactory() {
          @Override
          public <K> K create(Class<K> type) throws Exception {
            return type == RequestCommand.class
                ? type.cast(new RequestCommand(env))
                : CommandLine.defaultFactory().create(type);
          }
        };
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new CommandLine(new Main(), factory)
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    outputs.add(out.toString());
    outputs.add(err.toString());
    return new Run(exit, out.toString(), err.toString());
  }

  private Run request(Map<String, String> env, Path config, Path message) {
    return run(
        env,
        "request",
        "--url",
        server.baseUrl(),
        "--workspace",
        w.workspace(),
        "--credential",
        w.basic(),
        "--config",
        config.toString(),
        "--message",
        message.toString());
  }

  private static Map<String, String> withKey() {
    return Map.of("CREDFLOW_API_KEY", TestServer.ADMIN_KEY);
  }

  private Path file(String name, Object json) throws IOException {
    return Files.writeString(dir.resolve(name), JSON.writeValueAsString(json));
  }

  private Path config(String path) throws IOException {
    Map<String, Object> config = get(upstream.url(path));
    ExecutorWorkspace.reader(config)
        .put("headers", List.of(Map.of("key", "X-Order", "value", "body.order")));
    config.put("errorPolicy", "throwError");
    return file("config.json", config);
  }

  private Path message() throws IOException {
    return file("message.json", Map.of("body", Map.of("order", "A-17")));
  }

  @Test
  void aResultIsPrintedAsJsonOnStdoutWithExit0() throws IOException {
    Run r = request(withKey(), config("/echo/cli?x=1"), message());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    JsonNode result = r.outJson();
    assertThat(result.path("statusCode").asInt()).isEqualTo(200);
    assertThat(result.path("HTTPHeaders").path("Content-Type").asText())
        .startsWith("application/json");
    assertThat(result.path("responseBody").path("path").asText()).isEqualTo("/echo/cli");
    assertThat(result.path("responseBody").path("headers").path("x-order").path(0).asText())
        .isEqualTo("A-17");
    assertThat(upstream.last().header("Authorization"))
        .singleElement()
        .asString()
        .startsWith("Basic ");
  }

  @Test
  void anUpstreamErrorIsTheJsonApiErrorOnStderrWithExit1() throws IOException {
    Run r = request(withKey(), config("/status/500"), message());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    JsonNode error = r.errJson().path("errors").path(0);
    assertThat(error.path("status").asText()).isEqualTo("502");
    assertThat(error.path("code").asText()).isEqualTo("upstream_error");
    assertThat(error.path("detail").asText()).contains("status - \"500\"");
  }

  @Test
  void aRejectedApiKeyIsTheServersErrorWithExit1() throws IOException {
    String wrong = "wrong-key-" + TestServer.ADMIN_KEY.substring(0, 8) + "-0123456789";
    Run r = request(Map.of("CREDFLOW_API_KEY", wrong), config("/echo/cli"), message());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.errJson().path("errors").path(0).path("status").asText()).isEqualTo("401");
    assertThat(r.out() + r.err()).doesNotContain(wrong);
  }

  @Test
  void withoutAnApiKeyItExits2SayingWhereToPutIt() throws IOException {
    for (Map<String, String> env :
        List.of(Map.<String, String>of(), Map.of("CREDFLOW_API_KEY", " "))) {
      Run r = request(env, config("/echo/cli"), message());
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.out()).isEmpty();
      assertThat(r.err().strip())
          .isEqualTo("credflow request: set CREDFLOW_API_KEY or pass --api-key-file");
    }
    Run fromFile =
        run(
            Map.of(),
            "request",
            "--url",
            server.baseUrl(),
            "--workspace",
            w.workspace(),
            "--credential",
            w.basic(),
            "--config",
            config("/echo/cli").toString(),
            "--api-key-file",
            Files.writeString(dir.resolve("key"), TestServer.ADMIN_KEY + "\n").toString());
    assertThat(fromFile.exit()).as(fromFile.err()).isZero();
    assertThat(upstream.count("/echo/cli")).isPositive();
  }

  @Test
  void anUnreadableOrInvalidConfigFileExits2NamingIt() throws IOException {
    Path missing = dir.resolve("missing.json");
    Run r = request(withKey(), missing, message());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .startsWith("credflow request: --config " + missing + " is not a readable JSON file");

    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"reader\": ");
    Run invalid = request(withKey(), broken, message());
    assertThat(invalid.exit()).isEqualTo(2);
    assertThat(invalid.err()).startsWith("credflow request: --config " + broken);

    Path badMessage = Files.writeString(dir.resolve("message.txt"), "not json");
    Run message = request(withKey(), config("/echo/cli"), badMessage);
    assertThat(message.exit()).isEqualTo(2);
    assertThat(message.err()).startsWith("credflow request: --message " + badMessage);
  }

  @Test
  void aMissingRequiredOptionExits2WithUsage() {
    Run r = run(withKey(), "request", "--url", server.baseUrl(), "--workspace", w.workspace());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required options").contains("--credential");
  }
}
