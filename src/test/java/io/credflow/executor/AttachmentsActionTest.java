package io.credflow.executor;

import static io.credflow.testing.ExecutorWorkspace.get;
import static io.credflow.testing.ExecutorWorkspace.lit;
import static io.credflow.testing.ExecutorWorkspace.reader;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.ManualTime;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import io.credflow.testing.upstream.Received;
import io.credflow.testing.upstream.Upstream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code downloadAsAttachment} and {@code uploadFile} through {@code POST
 * /v2/workspaces/{ws}/requests}, against a real upstream on port 0, with the attachments served at
 * {@code GET /v2/workspaces/{ws}/attachments/{id}}. Time is manual: expiry moves the clock.
 */
class AttachmentsActionTest {
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2().manualTime().upstreamServer().executorWorkspace("attach");

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final ManualTime time = credflow.time();
  private final TestServer server = credflow.server();
  private final Upstream upstream = credflow.upstream();
  private final ExecutorWorkspace w = credflow.executorWorkspace();

  /** The bytes {@code /bytes?size=n} answers. */
  private static byte[] upstreamBytes(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i % 251);
    }
    return bytes;
  }

  private static JsonNode ok(Api.Response r) {
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    return r.attributes();
  }

  private static void assertInvalidAt(Api.Response r, String member, String code) {
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.error().path("source").path("pointer").asText())
        .isEqualTo("/data/attributes/config/" + member);
    assertThat(r.error().path("code").asText()).isEqualTo(code);
  }

  private static Map<String, Object> download(String url) {
    Map<String, Object> config = get(url);
    config.put("downloadAsAttachment", true);
    return config;
  }

  /** A POST to the upstream's echo whose raw octet-stream body is the file at {@code url}. */
  private Map<String, Object> uploadRaw(String url) {
    Map<String, Object> config = get(upstream.url("/echo/upload"));
    reader(config).put("method", "POST");
    reader(config).put("body", Map.of("contentType", "application/octet-stream", "raw", lit(url)));
    config.put("uploadFile", true);
    return config;
  }

  /** Downloads {@code /bytes?size=n} as an attachment; returns its URL. */
  private String downloadBytes(int size) {
    JsonNode result =
        ok(
            w.send(
                download(upstream.url("/bytes?size=" + size + "&type=image/png")),
                null,
                w.noauth()));
    return result.path("attachmentUrl").asText();
  }

  private HttpResponse<byte[]> fetch(Api as, String attachmentUrl) {
    try {
      return HTTP.send(
          as.builder(URI.create(attachmentUrl).getRawPath()).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // --- downloadAsAttachment ---------------------------------------------------------------------

  @Test
  void downloadWhenTheAnswerSucceedsThenTheResultHasAnAttachmentUrlServingTheSameBytes() {
    JsonNode result =
        ok(
            w.send(
                download(upstream.url("/bytes?size=300000&type=image/png&chunked=true")),
                null,
                w.noauth()));

    assertThat(result.path("statusCode").asInt()).isEqualTo(200);
    assertThat(result.has("responseBody")).isFalse();
    assertThat(result.path("HTTPHeaders").path("Content-Type").asText()).isEqualTo("image/png");
    String url = result.path("attachmentUrl").asText();
    assertThat(url)
        .startsWith(
            server.credflow().publicUrl() + "/v2/workspaces/" + w.workspace() + "/attachments/");
    HttpResponse<byte[]> served = fetch(server.admin(), url);
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.body()).isEqualTo(upstreamBytes(300_000));
    assertThat(served.headers().firstValue("Content-Type")).contains("image/png");
    assertThat(served.headers().firstValue("Content-Length")).contains("300000");
  }

  @Test
  void downloadWhenRedirectedThenTheFinalAnswerIsStored() throws IOException {
    JsonNode result = ok(w.send(download(upstream.url("/redirect/2")), null, w.noauth()));

    HttpResponse<byte[]> served = fetch(server.admin(), result.path("attachmentUrl").asText());
    assertThat(
            Api.JSON
                .readTree(new String(served.body(), java.nio.charset.StandardCharsets.UTF_8))
                .path("path")
                .asText())
        .isEqualTo("/redirect/0");
  }

  @Test
  void downloadWhenTheAnswerIsAnEmittedErrorThenItsBodyIsReturnedAsWithoutIt() {
    Map<String, Object> config = download(upstream.url("/status/500"));
    config.put("errorPolicy", "emit");

    JsonNode result = ok(w.send(config, null, w.noauth()));

    assertThat(result.path("statusCode").asInt()).isEqualTo(500);
    assertThat(result.has("attachmentUrl")).isFalse();
    assertThat(result.path("responseBody").path("error").asText()).isEqualTo("status 500");
  }

  @Test
  void downloadWhenLargerThanMaxContentLengthThenA502NamesTheLimitAndNothingIsServed() {
    Map<String, Object> config = download(upstream.url("/bytes?size=2000&chunked=true"));
    config.put("maxContentLength", 1000);

    Api.Response r = w.send(config, null, w.noauth());

    assertThat(r.status()).as(r.text()).isEqualTo(502);
    assertThat(r.error().path("code").asText()).isEqualTo("response_too_large");
    assertThat(r.error().path("detail").asText())
        .contains("1000 bytes")
        .contains("maxContentLength");
  }

  @Test
  void maxContentLengthWhenAboveTwentyMibThenOnlyDownloadsAllowItUpToOneHundredMib() {
    Map<String, Object> plain = get(upstream.url("/echo/limit"));
    plain.put("maxContentLength", 30 * 1024 * 1024);
    Api.Response refused = w.send(plain, null, w.noauth());
    assertInvalidAt(refused, "maxContentLength", "out_of_range");
    assertThat(refused.error().path("detail").asText())
        .contains("20971520")
        .contains("104857600 with downloadAsAttachment");

    Map<String, Object> big = download(upstream.url("/bytes?size=10"));
    big.put("maxContentLength", 100 * 1024 * 1024);
    assertThat(ok(w.send(big, null, w.noauth())).path("attachmentUrl").asText()).isNotEmpty();

    big.put("maxContentLength", 100 * 1024 * 1024 + 1);
    assertInvalidAt(w.send(big, null, w.noauth()), "maxContentLength", "out_of_range");
  }

  // --- the attachment route ---------------------------------------------------------------------

  @Test
  void attachmentWhenExpiredAndSweptThenItIsA404() {
    String url = downloadBytes(100);
    assertThat(fetch(server.admin(), url).statusCode()).isEqualTo(200);

    time.advance(RestApiAction.DEFAULT_ATTACHMENT_TTL.plus(Duration.ofSeconds(1)));
    int swept = server.credflow().services().attachments().sweep(time.now());

    assertThat(swept).isGreaterThanOrEqualTo(1);
    Api.Response gone = server.admin().get(URI.create(url).getRawPath());
    assertThat(gone.status()).as(gone.text()).isEqualTo(404);
    assertThat(gone.error().path("code").asText()).isEqualTo("not_found");
  }

  @Test
  void attachmentWhenTheCallerIsNotAMemberThenTheSameAnswerAsForOtherWorkspaceResources() {
    String url = downloadBytes(100);
    World.Tenancy outsider = new World(server).tenancy("attach-outsider");
    Api stranger = server.as(outsider.memberKey());

    Api.Response attachment = stranger.get(URI.create(url).getRawPath());
    Api.Response credentials = stranger.get("/v2/workspaces/" + w.workspace() + "/credentials");

    assertThat(attachment.status()).as(attachment.text()).isEqualTo(credentials.status());
    assertThat(attachment.error().path("code").asText())
        .isEqualTo(credentials.error().path("code").asText());
    assertThat(attachment.text()).doesNotContain("image/png");
  }

  @Test
  void attachmentWhenUnknownThenA404JsonApiError() {
    Api.Response r =
        server
            .admin()
            .get("/v2/workspaces/" + w.workspace() + "/attachments/0123456789abcdef01234567");

    assertThat(r.status()).as(r.text()).isEqualTo(404);
    assertThat(r.error().path("code").asText()).isEqualTo("not_found");
  }

  // --- uploadFile -------------------------------------------------------------------------------

  @Test
  void uploadRawWhenTheUrlIsAnAttachmentOfTheWorkspaceThenItsBytesAreSent() {
    String url = downloadBytes(5000);

    ok(w.send(uploadRaw(url), null, w.noauth()));

    Received sent = upstream.last();
    assertThat(sent.path()).isEqualTo("/echo/upload");
    assertThat(sent.body()).isEqualTo(upstreamBytes(5000));
    assertThat(sent.contentType()).startsWith("application/octet-stream");
  }

  @Test
  void uploadRawWhenTheUrlIsElsewhereThenItIsFetchedAndItsBytesAreSent() {
    ok(w.send(uploadRaw(upstream.url("/bytes?size=3000")), null, w.noauth()));

    assertThat(upstream.requests("/bytes")).isNotEmpty();
    assertThat(upstream.last().body()).isEqualTo(upstreamBytes(3000));
  }

  @Test
  void uploadFormDataWhenAValueIsAFileObjectThenItIsAFilePartNamedByIt() {
    Map<String, Object> config = get(upstream.url("/echo/form"));
    reader(config).put("method", "POST");
    reader(config)
        .put(
            "body",
            Map.of(
                "contentType",
                "multipart/form-data",
                "formData",
                List.of(
                    Map.of("key", "file", "value", "body.file"),
                    Map.of("key", "other", "value", "body.other", "filename", "fallback.bin"),
                    Map.of("key", "note", "value", lit("hello")))));
    config.put("uploadFile", "true");
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("url", upstream.url("/bytes?size=700&type=image/png"));
    file.put("filename", "report.png");
    file.put("knownLength", 700);
    Map<String, Object> body = Map.of("file", file, "other", Map.of("url", downloadBytes(10)));

    ok(w.send(config, Map.of("body", body), w.noauth()));

    List<Received.Part> parts = upstream.last().parts();
    assertThat(parts).extracting(Received.Part::name).containsExactly("file", "other", "note");
    assertThat(parts.get(0).filename()).isEqualTo("report.png");
    assertThat(parts.get(0).contentType()).isEqualTo("image/png");
    assertThat(parts.get(0).content()).isEqualTo(upstreamBytes(700));
    assertThat(parts.get(1).filename()).isEqualTo("fallback.bin");
    assertThat(parts.get(1).content()).isEqualTo(upstreamBytes(10));
    assertThat(parts.get(2).text()).isEqualTo("hello");
  }

  @Test
  void uploadWhenTheAttachmentIsAnotherWorkspacesThenA422AtTheFieldAndNothingIsSent() {
    String url = downloadBytes(50);
    ExecutorWorkspace other = ExecutorWorkspace.create(server, credflow.provider(), "attach-other");
    int before = upstream.count("/echo/upload");

    Api.Response r = other.send(uploadRaw(url), null, other.noauth());

    assertInvalidAt(r, "reader/body/raw", "attachment_not_found");
    assertThat(upstream.count("/echo/upload")).isEqualTo(before);
  }

  @Test
  void uploadWhenTheFileIsLargerThanMaxBodyLengthThenA422NamesTheLimit() {
    Map<String, Object> config = uploadRaw(upstream.url("/bytes?size=2000&chunked=true"));
    config.put("maxBodyLength", 1000);

    Api.Response r = w.send(config, null, w.noauth());

    assertInvalidAt(r, "reader/body/raw", "request_too_large");
    assertThat(r.error().path("detail").asText()).contains("1000 bytes maxBodyLength");
  }

  @Test
  void uploadWhenTheGuardRefusesTheUrlThenA422AtTheField() {
    Api.Response r = w.send(uploadRaw("http://169.254.169.254/latest/meta-data"), null, w.noauth());

    assertInvalidAt(r, "reader/body/raw", "outbound_refused");
  }

  @Test
  void uploadWhenTheFileIsMissingThenA422AtTheField() {
    Api.Response r = w.send(uploadRaw(upstream.url("/status/404")), null, w.noauth());

    assertInvalidAt(r, "reader/body/raw", "file_unavailable");
    assertThat(r.error().path("detail").asText()).contains("answered 404");
  }

  // --- bad input --------------------------------------------------------------------------------

  @Test
  void newMembersWhenOfTheWrongTypeThenA422AtEach() {
    Map<String, Object> config = get(upstream.url("/echo/bad"));
    config.put("downloadAsAttachment", "yes");
    assertInvalidAt(w.send(config, null, w.noauth()), "downloadAsAttachment", "invalid_type");

    config = get(upstream.url("/echo/bad"));
    config.put("uploadFile", 1);
    assertInvalidAt(w.send(config, null, w.noauth()), "uploadFile", "invalid_type");

    Map<String, Object> base64 = uploadRaw(upstream.url("/bytes"));
    reader(base64)
        .put(
            "body",
            Map.of(
                "contentType", "application/octet-stream", "raw", lit("x"), "encoding", "base64"));
    assertInvalidAt(
        w.send(base64, null, w.noauth()), "reader/body/encoding", "conflicting_members");
    assertThat(upstream.count("/echo/bad")).isZero();
  }

  @Test
  void uploadWhenTheValuesAreNotUsableFilesThenA422AtTheirMembers() {
    Map<String, Object> notAUrl = uploadRaw("unused");
    reader(notAUrl).put("body", Map.of("contentType", "application/octet-stream", "raw", "42"));
    assertInvalidAt(w.send(notAUrl, null, w.noauth()), "reader/body/raw", "invalid_url");

    Map<String, Object> form = get(upstream.url("/echo/form"));
    reader(form).put("method", "POST");
    reader(form).put("body", Map.of("formData", List.of(Map.of("key", "f", "value", "body.file"))));
    form.put("uploadFile", true);
    assertInvalidAt(
        w.send(form, Map.of("body", Map.of("file", Map.of("url", 5))), w.noauth()),
        "reader/body/formData/0/value",
        "invalid_url");
    assertInvalidAt(
        w.send(
            form,
            Map.of(
                "body",
                Map.of("file", Map.of("url", upstream.url("/bytes?size=10"), "knownLength", "x"))),
            w.noauth()),
        "reader/body/formData/0/value",
        "invalid_type");
    assertInvalidAt(
        w.send(
            form,
            Map.of(
                "body",
                Map.of("file", Map.of("url", upstream.url("/bytes?size=10"), "knownLength", 11))),
            w.noauth()),
        "reader/body/formData/0/value",
        "length_mismatch");
  }
}
