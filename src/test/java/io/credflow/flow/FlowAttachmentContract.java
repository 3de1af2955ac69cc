package io.credflow.flow;

import static io.credflow.testing.ExecutorWorkspace.get;
import static io.credflow.testing.ExecutorWorkspace.reader;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.Flows;
import io.credflow.testing.upstream.Received;
import io.credflow.testing.upstream.Upstream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A step that downloads a file as an attachment hands its URL on, and a later step uploads it: the
 * upstream receives the bytes the first one answered. Subclasses name the database, and so the
 * attachment store.
 */
abstract class FlowAttachmentContract {
  /** The subclass's server: H2 (files in the data directory) or PostgreSQL (in the database). */
  abstract CredflowExtension credflow();

  private final Upstream upstream = credflow().upstream();
  private final Api admin = credflow().admin();
  private final ExecutorWorkspace w = credflow().executorWorkspace();

  private static byte[] upstreamBytes(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i % 251);
    }
    return bytes;
  }

  /** A POST to the upstream's echo whose octet-stream body is the file the expression names. */
  private Map<String, Object> upload(String path, String urlExpression) {
    Map<String, Object> config = get(upstream.url(path));
    reader(config).put("method", "POST");
    reader(config)
        .put("body", Map.of("contentType", "application/octet-stream", "raw", urlExpression));
    config.put("uploadFile", true);
    return config;
  }

  @Test
  void runWhenAStepDownloadsAnAttachmentThenLaterStepsUploadItByUrlAndFromAttachments() {
    Map<String, Object> download = get(upstream.url("/bytes?size=70000&type=image/png"));
    download.put("downloadAsAttachment", true);
    String flow =
        Flows.create(
            admin,
            w.workspace(),
            Flows.activeManual(
                "download and upload",
                List.of(
                    Flows.step("fetch", w.component(), w.noauth(), download),
                    Flows.step(
                        "byBody",
                        w.component(),
                        w.noauth(),
                        upload("/echo/by-body", "body.attachmentUrl")),
                    Flows.step(
                        "byName",
                        w.component(),
                        w.noauth(),
                        upload("/echo/by-name", "attachments.fetch.url")))));

    String run = Flows.start(admin, w.workspace(), flow, Map.of());
    JsonNode done = Flows.awaitRun(admin, w.workspace(), run, "succeeded", "failed");

    assertThat(done.path("attributes").path("status").asText())
        .as(done.toString())
        .isEqualTo("succeeded");
    JsonNode fetched = done.path("attributes").path("steps").get(0).path("output");
    assertThat(fetched.has("responseBody")).isFalse();
    assertThat(java.net.URI.create(fetched.path("attachmentUrl").asText()).getPath())
        .startsWith("/v2/workspaces/" + w.workspace() + "/attachments/");
    for (String path : List.of("/echo/by-body", "/echo/by-name")) {
      Received sent = upstream.requests(path).get(0);
      assertThat(sent.body()).as(path).isEqualTo(upstreamBytes(70000));
    }
  }
}
