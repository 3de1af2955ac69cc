package io.credflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request bodies are UTF-8 and nothing else: a byte sequence that is not well-formed UTF-8 is
 * refused, never read as some character (an overlong {@code C0 AF} as {@code /}).
 */
class RequestBodyEncodingTest {
  @RegisterExtension static final CredflowExtension credflow = CredflowExtension.h2();

  private final Api admin = credflow.admin();

  /** A tenant document whose name is {@code before}, the raw bytes, then {@code after}. */
  private static byte[] tenantNamed(String before, byte[] raw, String after) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("{\"data\":{\"type\":\"tenant\",\"attributes\":{\"name\":\"" + before)
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(raw);
    body.writeBytes((after + "\"}}}").getBytes(StandardCharsets.UTF_8));
    return body.toByteArray();
  }

  private Api.Response post(byte[] body) {
    return admin.send(
        admin
            .builder("/v2/tenants")
            .header("Content-Type", JsonApi.MEDIA_TYPE)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private static byte[] hex(String hex) {
    byte[] bytes = new byte[hex.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return bytes;
  }

  @ParameterizedTest(name = "bytes {0}")
  @ValueSource(
      strings = {
        "c0af", // overlong "/"
        "e080af", // overlong "/" in three bytes
        "f08080af", // overlong "/" in four bytes
        "c1bf", // overlong DEL
        "eda080", // an encoded UTF-16 surrogate (CESU-8)
        "f4908080", // past U+10FFFF
        "80", // a continuation byte that continues nothing
        "ff", // a byte that never occurs in UTF-8
        "e282", // a truncated euro sign
      })
  void postWhenBodyIsNotWellFormedUtf8Then400AndNothingCreated(String bytes) {
    Api.Response r = post(tenantNamed("a", hex(bytes), "b"));

    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.error().path("code").asText()).isEqualTo("malformed_utf8");
    assertThat(r.error().path("detail").asText()).contains("UTF-8").contains("byte 48");
    assertThat(r.header("Content-Type")).hasValueSatisfying(t -> t.startsWith(JsonApi.MEDIA_TYPE));
  }

  @Test
  void postWhenBodyEndsInsideACharacterThen400() {
    byte[] whole = tenantNamed("a", new byte[0], "");
    byte[] cut = new byte[whole.length + 1];
    System.arraycopy(whole, 0, cut, 0, whole.length);
    cut[whole.length] = (byte) 0xe2;

    Api.Response r = post(cut);

    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.error().path("code").asText()).isEqualTo("malformed_utf8");
  }

  @Test
  void postWhenBodyIsWellFormedUtf8ThenEveryCharacterIsKeptAsSent() {
    String name = "Zürich € 東京 \uD83D\uDE80 a/b";
    Api.Response r = post(tenantNamed("", name.getBytes(StandardCharsets.UTF_8), ""));

    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.attributes().path("name").asText()).isEqualTo(name);
  }

  @Test
  void postWhenBodyStartsWithAByteOrderMarkThenItIsRead() {
    byte[] doc = tenantNamed("bom", new byte[0], "");
    byte[] withBom = new byte[doc.length + 3];
    System.arraycopy(hex("efbbbf"), 0, withBom, 0, 3);
    System.arraycopy(doc, 0, withBom, 3, doc.length);

    Api.Response r = post(withBom);

    assertThat(r.status()).as(r.text()).isEqualTo(201);
    assertThat(r.attributes().path("name").asText()).isEqualTo("bom");
  }
}
