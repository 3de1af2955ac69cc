package io.credflow.testing.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.credflow.testing.SettableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpstreamTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final SettableClock clock = new SettableClock(Instant.parse("2026-03-05T09:08:07.250Z"));
  private Upstream upstream;

  @BeforeEach
  void start() {
    upstream = Upstream.start(clock);
  }

  @AfterEach
  void stop() {
    upstream.close();
  }

  @Test
  void urlAndPortPointAtTheLoopbackServer() {
    assertThat(upstream.port()).isPositive();
    assertThat(upstream.url("/echo/x"))
        .isEqualTo("http://127.0.0.1:" + upstream.port() + "/echo/x");
  }

  @Test
  void headersAreRecordedInArrivalOrderWithTheirOriginalNames() throws Exception {
    // Two requests on one connection: the second repeats known fields of the first in other
    // cases, which Jetty's per-connection field cache would otherwise answer with the first
    // spelling.
    String first =
        "GET /echo/first HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n"
            + "Accept: application/json\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: 0\r\n"
            + "\r\n";
    String second =
        "POST /echo/a%20b?x=1&x=2&y=a+b&z=%E2%82%AC HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n"
            + "x-lower: 1\r\n"
            + "X-Mixed-Case: 2\r\n"
            + "accept: application/json\r\n"
            + "X-MIXED-CASE: 3\r\n"
            + "content-type: APPLICATION/JSON\r\n"
            + "authorization: Bearer t\r\n"
            + "Content-Length: 2\r\n"
            + "connection: close\r\n"
            + "\r\n"
            + "{}";
    String response = raw(first + second);
    response = response.substring(response.lastIndexOf("HTTP/1.1 "));

    assertThat(response).startsWith("HTTP/1.1 200");
    Received r = upstream.last();
    assertThat(r.headers())
        .containsExactly(
            entry("Host", "127.0.0.1"),
            entry("x-lower", "1"),
            entry("X-Mixed-Case", "2"),
            entry("accept", "application/json"),
            entry("X-MIXED-CASE", "3"),
            entry("content-type", "APPLICATION/JSON"),
            entry("authorization", "Bearer t"),
            entry("Content-Length", "2"),
            entry("connection", "close"));
    assertThat(r.header("x-mixed-case")).containsExactly("2", "3");
    assertThat(r.header("Accept")).containsExactly("application/json");
    assertThat(r.header("absent")).isEmpty();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.bodyText()).isEqualTo("{}");
    assertThat(r.path()).isEqualTo("/echo/a%20b");
    assertThat(upstream.requests().getFirst().headers())
        .containsExactly(
            entry("Host", "127.0.0.1"),
            entry("Accept", "application/json"),
            entry("Content-Type", "application/json"),
            entry("Content-Length", "0"));
    assertThat(r.rawQuery()).isEqualTo("x=1&x=2&y=a+b&z=%E2%82%AC");
    assertThat(r.query())
        .containsExactly(
            Map.entry("x", List.of("1", "2")),
            Map.entry("y", List.of("a b")),
            Map.entry("z", List.of("€")));
    JsonNode echo = JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
    assertThat(echo.get("headers").get("x-mixed-case").toString()).isEqualTo("[\"2\",\"3\"]");
    assertThat(echo.get("query").get("z").get(0).asText()).isEqualTo("€");
    assertThat(echo.get("path").asText()).isEqualTo("/echo/a%20b");
  }

  @Test
  void echoDescribesMethodBodyAndContentType() throws Exception {
    String body = "{\"name\":\"Grüße\"}";
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/echo/items?dry=true"))
                .method("PATCH", BodyPublishers.ofString(body))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("X-Request-Id", "r-1"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode echo = JSON.readTree(response.body());
    assertThat(echo.get("method").asText()).isEqualTo("PATCH");
    assertThat(echo.get("path").asText()).isEqualTo("/echo/items");
    assertThat(echo.get("query").get("dry").get(0).asText()).isEqualTo("true");
    assertThat(echo.get("headers").get("x-request-id").get(0).asText()).isEqualTo("r-1");
    assertThat(echo.get("body").asText()).isEqualTo(body);
    assertThat(Base64.getDecoder().decode(echo.get("bodyBase64").asText()))
        .isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    assertThat(echo.get("contentType").asText()).isEqualTo("application/json; charset=utf-8");
    assertThat(echo.get("parts")).isEmpty();
    assertThat(echo.get("form")).isEmpty();
    Received r = upstream.last();
    assertThat(r.body()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    assertThat(r.bodyText()).isEqualTo(body);
    assertThat(r.contentType()).isEqualTo("application/json; charset=utf-8");
  }

  @Test
  void echoWithAStatusAnswersItQuotingTheRequest() throws Exception {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(uri("/echo/err?status=500")).header("Authorization", "t-1"));

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(response.body()).get("headers").get("authorization").get(0).asText())
        .isEqualTo("t-1");
    assertThat(send(HttpRequest.newBuilder(uri("/echo/err?status=99"))).statusCode())
        .isEqualTo(400);
  }

  @Test
  void multipartBodyIsParsedBackPartByPart() throws Exception {
    byte[] file = new byte[3000];
    for (int i = 0; i < file.length; i++) {
      file[i] = (byte) (i * 7); // every byte value, CR, LF and "--" included
    }
    String boundary = "----credflow-7d9f1";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    write(body, "--" + boundary + "\r\n");
    write(body, "Content-Disposition: form-data; name=\"title\"\r\n\r\n");
    write(body, "Grüße\r\n");
    write(body, "--" + boundary + "\r\n");
    write(body, "Content-Disposition: form-data; name=\"meta\"\r\n");
    write(body, "Content-Type: application/json\r\n\r\n");
    write(body, "{\"a\":1}\r\n");
    write(body, "--" + boundary + "\r\n");
    write(body, "Content-Disposition: form-data; name=\"upload\"; filename=\"data.bin\"\r\n");
    write(body, "Content-Type: application/octet-stream\r\n\r\n");
    body.write(file);
    write(body, "\r\n--" + boundary + "--\r\n");

    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/echo/upload"))
                .POST(BodyPublishers.ofByteArray(body.toByteArray()))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary));

    assertThat(response.statusCode()).isEqualTo(200);
    List<Received.Part> parts = upstream.last().parts();
    assertThat(parts).hasSize(3);
    assertThat(parts.get(0).name()).isEqualTo("title");
    assertThat(parts.get(0).filename()).isNull();
    assertThat(parts.get(0).contentType()).isNull();
    assertThat(parts.get(0).text()).isEqualTo("Grüße");
    assertThat(parts.get(1).name()).isEqualTo("meta");
    assertThat(parts.get(1).contentType()).isEqualTo("application/json");
    assertThat(parts.get(1).text()).isEqualTo("{\"a\":1}");
    assertThat(parts.get(2).name()).isEqualTo("upload");
    assertThat(parts.get(2).filename()).isEqualTo("data.bin");
    assertThat(parts.get(2).contentType()).isEqualTo("application/octet-stream");
    assertThat(parts.get(2).content()).isEqualTo(file);
    assertThat(upstream.last().body()).isEqualTo(body.toByteArray());
    JsonNode echoed = JSON.readTree(response.body()).get("parts");
    assertThat(echoed.get(0).get("text").asText()).isEqualTo("Grüße");
    assertThat(echoed.get(2).get("filename").asText()).isEqualTo("data.bin");
    assertThat(echoed.get(2).get("size").asInt()).isEqualTo(3000);
    assertThat(echoed.get(2).has("text")).isFalse();
    assertThat(Base64.getDecoder().decode(echoed.get(2).get("base64").asText())).isEqualTo(file);
  }

  @Test
  void urlencodedFormIsDecodedInOrderWithRepeats() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(uri("/echo/form"))
                .POST(BodyPublishers.ofString("b=x+y&a=1&a=2&c=%E2%82%AC&empty="))
                .header("Content-Type", "application/x-www-form-urlencoded"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(upstream.last().form())
        .containsExactly(
            Map.entry("b", List.of("x y")),
            Map.entry("a", List.of("1", "2")),
            Map.entry("c", List.of("€")),
            Map.entry("empty", List.of("")));
    assertThat(JSON.readTree(response.body()).get("form").get("a").toString())
        .isEqualTo("[\"1\",\"2\"]");
  }

  @Test
  void statusAnswersTheCodeWithRetryAfterVerbatim() throws Exception {
    String date = "Wed, 21 Oct 2015 07:28:00 GMT";
    HttpResponse<String> limited = get("/status/429?retryAfter=" + encode(date));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().allValues("Retry-After")).containsExactly(date);
    assertThat(limited.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(limited.body()).isEqualTo("{\"error\":\"status 429\"}");

    HttpResponse<String> down = get("/status/503?body=down+for+maintenance&type=text/plain");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.headers().firstValue("Content-Type")).hasValue("text/plain");
    assertThat(down.headers().firstValue("Retry-After")).isEmpty();
    assertThat(down.body()).isEqualTo("down for maintenance");

    HttpResponse<String> noContent = get("/status/204");
    assertThat(noContent.statusCode()).isEqualTo(204);
    assertThat(noContent.body()).isEmpty();

    HttpResponse<String> bad = get("/status/abc");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("/status/{code}").contains("abc");
  }

  @Test
  void flakyFailsTheGivenNumberOfTimesPerKeyThenSucceeds() throws Exception {
    String a = "/flaky/a?fail=2&code=500&retryAfter=1";
    HttpResponse<String> first = get(a);
    assertThat(first.statusCode()).isEqualTo(500);
    assertThat(first.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(JSON.readTree(first.body()).get("attempt").asInt()).isEqualTo(1);
    HttpResponse<String> other = get("/flaky/b?fail=1");
    assertThat(other.statusCode()).isEqualTo(503);
    assertThat(other.headers().firstValue("Retry-After")).isEmpty();
    assertThat(get(a).statusCode()).isEqualTo(500);
    clock.advance(Duration.ofMillis(60));
    HttpResponse<String> third = get(a);
    assertThat(third.statusCode()).isEqualTo(200);
    assertThat(third.body()).isEqualTo("{\"ok\":true,\"attempt\":3}");
    assertThat(get("/flaky/b?fail=1").body()).isEqualTo("{\"ok\":true,\"attempt\":2}");

    List<Instant> times = upstream.attempts("a");
    assertThat(times).hasSize(3).isSorted();
    assertThat(Duration.between(times.get(1), times.get(2))).isEqualTo(Duration.ofMillis(60));
    assertThat(upstream.attempts("b")).hasSize(2);
    assertThat(upstream.attempts("never")).isEmpty();

    upstream.clear();
    assertThat(upstream.attempts("a")).isEmpty();
    assertThat(get(a).statusCode()).isEqualTo(500);
  }

  @Test
  void retryAfterDateIsAnImfFixdateSecondsAheadOfTheUpstreamsClock() throws Exception {
    // 09:08:07.250 on the 5th: a single-digit day, and a fraction the date truncates
    HttpResponse<String> status = get("/status/503?retryAfterDate=3");
    assertThat(status.headers().firstValue("Retry-After"))
        .hasValue("Thu, 05 Mar 2026 09:08:10 GMT");
    HttpResponse<String> flaky = get("/flaky/d?fail=1&code=429&retryAfterDate=0");
    assertThat(flaky.statusCode()).isEqualTo(429);
    assertThat(flaky.headers().firstValue("Retry-After")).hasValue("Thu, 05 Mar 2026 09:08:07 GMT");
    assertThat(get("/status/503?retryAfterDate=soon").statusCode()).isEqualTo(400);
  }

  @Test
  void redirectChainKeepsItsStatusAndQueryDownToAnEcho() throws Exception {
    HttpResponse<String> hop = get("/redirect/2?status=307&keep=me");
    assertThat(hop.statusCode()).isEqualTo(307);
    assertThat(hop.headers().firstValue("Location")).hasValue("/redirect/1?status=307&keep=me");
    assertThat(hop.headers().firstValue("Content-Length")).hasValue("0");

    HttpResponse<String> absolute = get("/redirect/1?absolute=true");
    assertThat(absolute.statusCode()).isEqualTo(302);
    assertThat(absolute.headers().firstValue("Location"))
        .hasValue(upstream.url("/redirect/0?absolute=true"));

    HttpClient following =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    upstream.clear();
    HttpResponse<String> end =
        following.send(
            HttpRequest.newBuilder(uri("/redirect/3?status=308"))
                .POST(BodyPublishers.ofString("payload"))
                .build(),
            BodyHandlers.ofString());
    assertThat(end.statusCode()).isEqualTo(200);
    assertThat(upstream.requests("/redirect/").stream().map(Received::path))
        .containsExactly("/redirect/3", "/redirect/2", "/redirect/1", "/redirect/0");
    JsonNode echo = JSON.readTree(end.body());
    assertThat(echo.get("method").asText()).isEqualTo("POST");
    assertThat(echo.get("body").asText()).isEqualTo("payload");
    assertThat(echo.get("query").get("status").get(0).asText()).isEqualTo("308");

    String target = "https://example.test/cb?x=1&y=%20";
    HttpResponse<String> to = get("/redirect-to?status=303&url=" + encode(target));
    assertThat(to.statusCode()).isEqualTo(303);
    assertThat(to.headers().firstValue("Location")).hasValue(target);
    assertThat(get("/redirect/1?status=200").statusCode()).isEqualTo(400);
  }

  @Test
  void slowAnswersAfterItsTime() throws Exception {
    HttpResponse<String> slow = get("/slow?ms=20");
    assertThat(slow.statusCode()).isEqualTo(200);
    assertThat(slow.body()).isEqualTo("{\"sleptMs\":20}");
    assertThat(get("/slow?ms=60001").statusCode()).isEqualTo(400);
  }

  @Test
  void slowDoesNotHoldUpAParallelRequest() throws Exception {
    CompletableFuture<HttpResponse<String>> slow =
        HTTP.sendAsync(
            HttpRequest.newBuilder(uri("/slow?ms=60000")).build(), BodyHandlers.ofString());
    upstream.awaitRequests("/slow", 1);

    HttpResponse<String> fast = get("/echo/fast");

    assertThat(fast.statusCode()).isEqualTo(200);
    assertThat(slow).isNotDone();
    slow.cancel(true);
  }

  @Test
  void manySlowRequestsAreServedAtTheSameTime() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      calls.add(
          HTTP.sendAsync(
              HttpRequest.newBuilder(uri("/slow?ms=60000")).build(), BodyHandlers.ofString()));
    }

    // All 50 taken in while none has been answered: none waits for another's answer.
    upstream.awaitRequests("/slow", 50);

    assertThat(calls).noneMatch(CompletableFuture::isDone);
    assertThat(get("/echo/meanwhile").statusCode()).isEqualTo(200);
    calls.forEach(c -> c.cancel(true));
  }

  @Test
  void textIsEncodedInTheAskedCharset() throws Exception {
    HttpResponse<byte[]> utf16 =
        getBytes("/text?charset=utf-16le&text=" + encode("hé€") + "&type=text/csv");
    assertThat(utf16.statusCode()).isEqualTo(200);
    assertThat(utf16.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-16le");
    assertThat(utf16.body()).containsExactly(0x68, 0x00, 0xE9, 0x00, 0xAC, 0x20);

    HttpResponse<byte[]> latin1 =
        getBytes("/text?charset=ISO-8859-1&text=caf%C3%A9&noCharset=true");
    assertThat(latin1.headers().firstValue("Content-Type")).hasValue("text/plain");
    assertThat(latin1.body()).containsExactly('c', 'a', 'f', 0xE9);

    HttpResponse<byte[]> utf8 = getBytes("/text");
    assertThat(utf8.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(new String(utf8.body(), StandardCharsets.UTF_8)).isEqualTo("héllo wörld €");

    assertThat(get("/text?charset=ISO-8859-1&text=%E2%82%AC").statusCode()).isEqualTo(400);
    assertThat(get("/text?charset=no-such-charset").body()).contains("no-such-charset");
  }

  @Test
  void bytesComeWithALengthOrChunked() throws Exception {
    byte[] expected = new byte[10_000];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = (byte) (i % 251);
    }
    HttpResponse<byte[]> sized = getBytes("/bytes?size=10000&type=image/png");
    assertThat(sized.statusCode()).isEqualTo(200);
    assertThat(sized.headers().firstValue("Content-Length")).hasValue("10000");
    assertThat(sized.headers().firstValue("Transfer-Encoding")).isEmpty();
    assertThat(sized.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(sized.body()).isEqualTo(expected);

    HttpResponse<byte[]> chunked = getBytes("/bytes?size=10000&chunked=true");
    assertThat(chunked.headers().firstValue("Content-Length")).isEmpty();
    assertThat(chunked.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
    assertThat(chunked.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
    assertThat(chunked.body()).isEqualTo(expected);

    assertThat(getBytes("/bytes?size=0").body()).isEmpty();

    HttpResponse<byte[]> head =
        HTTP.send(
            HttpRequest.newBuilder(uri("/bytes?size=10"))
                .method("HEAD", BodyPublishers.noBody())
                .build(),
            BodyHandlers.ofByteArray());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).hasValue("10");
    assertThat(head.body()).isEmpty();
    assertThat(upstream.last().method()).isEqualTo("HEAD");
  }

  @Test
  void fixedDocumentsAndNoContent() throws Exception {
    HttpResponse<String> xml = get("/xml");
    assertThat(xml.headers().firstValue("Content-Type")).hasValue("application/xml; charset=utf-8");
    assertThat(xml.body()).isEqualTo(Upstream.XML_DOCUMENT).contains("<item sku=\"B-2\"");

    HttpResponse<String> json = get("/json?type=application/vnd.api%2Bjson");
    assertThat(json.headers().firstValue("Content-Type")).hasValue("application/vnd.api+json");
    JsonNode doc = JSON.readTree(json.body());
    assertThat(doc).isEqualTo(JSON.readTree(Upstream.JSON_DOCUMENT));
    assertThat(doc.get("items").get(1).get("sku").asText()).isEqualTo("B-2");
    assertThat(doc.get("greeting").asText()).isEqualTo("Grüße €");

    HttpResponse<String> none = get("/nocontent");
    assertThat(none.statusCode()).isEqualTo(204);
    assertThat(none.body()).isEmpty();
    assertThat(none.headers().firstValue("Content-Type")).isEmpty();
  }

  @Test
  void headersEndpointAddsRepeatedResponseHeaders() throws Exception {
    HttpResponse<String> response =
        get("/headers?Set-Cookie=a%3D1%3B+Path%3D%2F&Set-Cookie=b%3D2&X-Trace=t-9");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().allValues("set-cookie")).containsExactly("a=1; Path=/", "b=2");
    assertThat(response.headers().allValues("x-trace")).containsExactly("t-9");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");

    HttpResponse<String> typed = get("/headers?Content-Type=text/html");
    assertThat(typed.headers().allValues("Content-Type")).containsExactly("text/html");
    assertThat(get("/headers?Content-Length=5").statusCode()).isEqualTo(400);
  }

  @Test
  void protectedAcceptsOnlyTheCurrentBearerTokens() throws Exception {
    HttpResponse<String> anonymous = get("/protected/me");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().allValues("WWW-Authenticate"))
        .containsExactly("Bearer error=\"invalid_token\"");

    upstream.acceptBearer("t-1", "t-2");
    HttpResponse<String> ok = getAuthorized("/protected/me", "Bearer t-1");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(ok.body()).get("path").asText()).isEqualTo("/protected/me");
    assertThat(getAuthorized("/protected/me", "Bearer t-3").statusCode()).isEqualTo(401);
    assertThat(getAuthorized("/protected/me", "Basic dC0xOg==").statusCode()).isEqualTo(401);

    upstream.acceptBearer("t-3");
    assertThat(getAuthorized("/protected/me", "Bearer t-3").statusCode()).isEqualTo(200);
    assertThat(getAuthorized("/protected/me", "Bearer t-1").statusCode()).isEqualTo(401);
  }

  @Test
  void everyRequestIsRecordedAndCanBeFilteredAndCleared() throws Exception {
    assertThatThrownBy(upstream::last).isInstanceOf(IllegalStateException.class);
    get("/echo/one");
    get("/status/404");
    HttpResponse<String> unknown = get("/nowhere");
    get("/echo/two");

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("/nowhere");
    assertThat(upstream.requests().stream().map(Received::path))
        .containsExactly("/echo/one", "/status/404", "/nowhere", "/echo/two");
    assertThat(upstream.requests("/echo/").stream().map(Received::path))
        .containsExactly("/echo/one", "/echo/two");
    assertThat(upstream.count("/echo/")).isEqualTo(2);
    assertThat(upstream.count("/status/")).isEqualTo(1);
    assertThat(upstream.last().path()).isEqualTo("/echo/two");
    assertThat(upstream.last().rawQuery()).isNull();

    upstream.clear();
    assertThat(upstream.requests()).isEmpty();
    assertThat(upstream.count("/")).isZero();

    assertThat(get("/echo/a%2Fb%3F;x").statusCode()).isEqualTo(200);
    assertThat(upstream.last().path()).isEqualTo("/echo/a%2Fb%3F;x");
  }

  @Test
  void dropperClosesTheConnectionWithoutAnswering() {
    try (Upstream.Dropper dropper = Upstream.Dropper.start()) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(dropper.url("/anything")))
              .POST(BodyPublishers.ofString("{}"))
              .timeout(Duration.ofSeconds(5))
              .build();

      assertThatThrownBy(() -> HTTP.send(request, BodyHandlers.ofString()))
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(java.net.http.HttpTimeoutException.class);
      assertThat(dropper.connections()).isEqualTo(1);
    }
  }

  @Test
  void refusedPortRefusesConnections() {
    int port = Upstream.refusedPort();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x")).build();

    assertThat(port).isPositive();
    assertThatThrownBy(() -> HTTP.send(request, BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }

  private URI uri(String path) {
    return URI.create(upstream.url(path));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)));
  }

  private HttpResponse<String> getAuthorized(String path, String authorization) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).header("Authorization", authorization));
  }

  private HttpResponse<byte[]> getBytes(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
        BodyHandlers.ofByteArray());
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.timeout(Duration.ofSeconds(5)).build(), BodyHandlers.ofString());
  }

  /** Sends bytes exactly as written and reads the whole answer (the request says close). */
  private String raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", upstream.port())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Map.Entry<String, String> entry(String name, String value) {
    return new AbstractMap.SimpleImmutableEntry<>(name, value);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }
}
