package io.credflow.executor;

import static io.credflow.executor.ResponseEncoding.BASE64;
import static io.credflow.executor.ResponseEncoding.UTF8;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_16BE;
import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseDecoderTest {
  private static final ObjectMapper JACKSON = new ObjectMapper();
  private static final String GREETING = "Grüße 東京";

  private static Object decode(String body, String contentType) {
    return ResponseDecoder.decode(body.getBytes(UTF_8), contentType, UTF8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  /** Every byte value, so any text decoding would change some of them. */
  private static byte[] allBytes() {
    byte[] b = new byte[256];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  private static Map<String, Object> object(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  @Nested
  class Base64Encoding {
    @ParameterizedTest
    @ValueSource(
        strings = {"application/json", "text/plain; charset=utf-16le", "application/xml", ""})
    void decodeWhenBase64ThenRawBytesInBase64WhateverTheType(String contentType) {
      byte[] body = concat("{\"a\":1}".getBytes(UTF_8), allBytes());

      Object decoded = ResponseDecoder.decode(body, contentType, BASE64);

      assertThat(decoded).isEqualTo(Base64.getEncoder().encodeToString(body));
      assertThat(Base64.getDecoder().decode((String) decoded)).isEqualTo(body);
    }

    @Test
    void decodeWhenBase64AndNoContentTypeOrEmptyBodyThenPlainBase64() {
      assertThat(ResponseDecoder.decode(new byte[0], "application/json", BASE64)).isEqualTo("");
      assertThat(ResponseDecoder.decode(bytes(0xFB, 0xFF), null, BASE64)).isEqualTo("+/8=");
    }
  }

  @Nested
  class Json {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "application/json",
          "application/json; charset=utf-8",
          "Application/JSON",
          "application/vnd.api+json",
          "application/problem+json;charset=UTF-8",
          "text/x.custom+json",
          " application/json ; foo=bar",
        })
    void decodeWhenJsonTypeThenTheValuesJacksonGivesInDocumentOrder(String contentType)
        throws IOException {
      String body = "{\"z\":1,\"a\":[true,null,\"x\",1.5,12345678901234],\"m\":{\"k\":\"v\"}}";

      Object decoded = decode(body, contentType);

      assertThat(decoded).isEqualTo(JACKSON.readValue(body, Object.class));
      assertThat(decoded).isInstanceOf(LinkedHashMap.class);
      assertThat(new ArrayList<Object>(((Map<?, ?>) decoded).keySet()))
          .containsExactly("z", "a", "m");
      assertThat(((Map<?, ?>) decoded).get("a"))
          .isEqualTo(Arrays.asList(true, null, "x", 1.5, 12345678901234L));
    }

    @Test
    void decodeWhenJsonScalarsThenThoseValues() {
      assertThat(decode("42", "application/json")).isEqualTo(42);
      assertThat(decode("\"s\"", "application/json")).isEqualTo("s");
      assertThat(decode("false", "application/json")).isEqualTo(false);
      assertThat(decode("null", "application/json")).isNull();
      assertThat(decode("[]", "application/json")).isEqualTo(List.of());
    }

    @Test
    void decodeWhenJsonTypeAndEmptyBodyThenNull() {
      assertThat(ResponseDecoder.decode(new byte[0], "application/json", UTF8)).isNull();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "{\"a\":",
          "{\"a\":1} trailing",
          "{\"a\":1}{\"b\":2}",
          "not json at all",
          "   ",
          "{'a':1}",
          "[1,2,]",
          "NaN",
        })
    void decodeWhenJsonTypeButNotJsonThenTheTextAsIs(String body) {
      assertThat(decode(body, "application/json")).isEqualTo(body);
    }

    @Test
    void decodeWhenUtf8ByteOrderMarkThenParsedWithoutIt() {
      byte[] body = concat(bytes(0xEF, 0xBB, 0xBF), "{\"name\":\"Grüße\"}".getBytes(UTF_8));

      assertThat(ResponseDecoder.decode(body, "application/json", UTF8))
          .isEqualTo(Map.of("name", "Grüße"));
      assertThat(ResponseDecoder.decode(body, null, UTF8)).isEqualTo(Map.of("name", "Grüße"));
    }

    @Test
    void decodeWhenJsonInTheDeclaredCharsetThenDecodedByIt() {
      String json = "{\"city\":\"" + GREETING + "\"}";

      assertThat(
              ResponseDecoder.decode(
                  json.getBytes(UTF_16LE), "application/json; charset=utf-16le", UTF8))
          .isEqualTo(Map.of("city", GREETING));
      assertThat(
              ResponseDecoder.decode(
                  "{\"g\":\"Grüße\"}".getBytes(ISO_8859_1),
                  "application/json; charset=ISO-8859-1",
                  UTF8))
          .isEqualTo(Map.of("g", "Grüße"));
    }

    @Test
    void decodeWhenNestedToTheLimitThenParsedAndOneDeeperThenText() {
      int limit = ResponseDecoder.MAX_JSON_DEPTH;
      String atLimit = "[".repeat(limit) + "]".repeat(limit);
      String tooDeep = "[".repeat(limit + 1) + "]".repeat(limit + 1);

      Object parsed = decode(atLimit, "application/json");
      Object refused = decode(tooDeep, "application/json");

      int depth = 0;
      for (Object o = parsed; o instanceof List<?> l; o = l.isEmpty() ? null : l.get(0)) {
        depth++;
      }
      assertThat(depth).isEqualTo(limit);
      assertThat(refused).isEqualTo(tooDeep);
    }

    @Test
    void decodeWhenDeeplyNestedObjectsBeyondTheLimitThenTextWithoutStackOverflow() {
      String deep = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);

      assertThat(decode(deep, "application/json")).isEqualTo(deep);
    }
  }

  @Nested
  class NoContentType {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "   ",
          "garbage",
          "application",
          "a/b/c",
          "/json",
          "text/ plain",
          ";;;",
          "; charset=utf-8"
        })
    void decodeWhenMissingOrUnreadableContentTypeAndJsonBodyThenParsed(String contentType) {
      String type = contentType.isEmpty() ? null : contentType;

      assertThat(decode("{\"a\":[1,2]}", type)).isEqualTo(Map.of("a", List.of(1, 2)));
    }

    @Test
    void decodeWhenNoContentTypeAndJsonScalarThenThatValue() {
      assertThat(decode("42", null)).isEqualTo(42);
      assertThat(decode(" true ", null)).isEqualTo(true);
      assertThat(decode("null", null)).isNull();
    }

    @Test
    void decodeWhenNoContentTypeAndNotJsonThenUtf8Text() {
      assertThat(decode(GREETING, null)).isEqualTo(GREETING);
      assertThat(decode("42 apples", null)).isEqualTo("42 apples");
      assertThat(decode("   ", null)).isEqualTo("   ");
      assertThat(decode("<a>x</a>", null)).isEqualTo("<a>x</a>");
    }

    @Test
    void decodeWhenNoContentTypeAndEmptyBodyThenEmptyString() {
      assertThat(ResponseDecoder.decode(new byte[0], null, UTF8)).isEqualTo("");
    }
  }

  @Nested
  class Text {
    @Test
    void decodeWhenNoCharsetThenUtf8() {
      assertThat(decode(GREETING, "text/plain")).isEqualTo(GREETING);
      assertThat(decode("<p>" + GREETING + "</p>", "text/html"))
          .isEqualTo("<p>" + GREETING + "</p>");
    }

    @Test
    void decodeWhenCharsetParameterThenDecodedByIt() {
      assertThat(decodeAs(GREETING, UTF_16LE, "text/plain; charset=utf-16le")).isEqualTo(GREETING);
      assertThat(decodeAs(GREETING, UTF_16BE, "text/plain;charset=UTF-16BE")).isEqualTo(GREETING);
      assertThat(decodeAs("Grüße", ISO_8859_1, "text/plain; charset=iso-8859-1"))
          .isEqualTo("Grüße");
      assertThat(decodeAs("Grüße", ISO_8859_1, "text/plain; charset=\"latin1\""))
          .isEqualTo("Grüße");
      assertThat(decodeAs("Größe €5", Charset.forName("windows-1252"), "text/csv; charset=cp1252"))
          .isEqualTo("Größe €5");
      assertThat(decodeAs(GREETING, Charset.forName("Shift_JIS"), "text/plain; charset=Shift_JIS"))
          .isEqualTo("Grüße 東京".replace("ü", "?").replace("ß", "?"));
      assertThat(decodeAs(GREETING, Charset.forName("UTF-32LE"), "text/plain; charset=utf-32le"))
          .isEqualTo(GREETING);
    }

    @Test
    void decodeWhenUtf16WithByteOrderMarkThenEitherOrderAndTheMarkDropped() {
      byte[] bigEndian = GREETING.getBytes(Charset.forName("UTF-16")); // Java writes FE FF first
      byte[] littleEndian = concat(bytes(0xFF, 0xFE), GREETING.getBytes(UTF_16LE));

      assertThat(bigEndian).startsWith(bytes(0xFE, 0xFF));
      assertThat(ResponseDecoder.decode(bigEndian, "text/plain; charset=utf-16", UTF8))
          .isEqualTo(GREETING);
      assertThat(ResponseDecoder.decode(littleEndian, "text/plain; charset=utf-16", UTF8))
          .isEqualTo(GREETING);
    }

    @Test
    void decodeWhenByteOrderMarkDisagreesWithTheLabelThenTheMarkWins() {
      byte[] utf8 = concat(bytes(0xEF, 0xBB, 0xBF), GREETING.getBytes(UTF_8));
      byte[] utf16le = concat(bytes(0xFF, 0xFE), GREETING.getBytes(UTF_16LE));

      assertThat(ResponseDecoder.decode(utf8, "text/plain; charset=iso-8859-1", UTF8))
          .isEqualTo(GREETING);
      assertThat(ResponseDecoder.decode(utf16le, "text/plain", UTF8)).isEqualTo(GREETING);
      assertThat(ResponseDecoder.decode(utf8, "text/plain", UTF8)).isEqualTo(GREETING);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "text/plain; charset=x-no-such-charset",
          "text/plain; charset=???",
          "text/plain; charset=",
          "text/plain; charset",
          "text/plain; charset=\"\"",
        })
    void decodeWhenCharsetUnknownOrIllegalThenUtf8(String contentType) {
      assertThat(decode(GREETING, contentType)).isEqualTo(GREETING);
    }

    @Test
    void decodeWhenMalformedUtf8ThenReplacementCharacters() {
      assertThat(ResponseDecoder.decode(bytes('a', 0xC3, 'b'), "text/plain", UTF8))
          .isEqualTo("a\uFFFDb");
    }

    @Test
    void decodeWhenTextTypeAndEmptyBodyThenEmptyString() {
      assertThat(ResponseDecoder.decode(new byte[0], "text/plain", UTF8)).isEqualTo("");
    }

    @Test
    void decodeWhenOtherNonBinaryTypeThenText() {
      assertThat(decode("a=1&b=2", "application/x-www-form-urlencoded")).isEqualTo("a=1&b=2");
      assertThat(decode("{\"a\":1}", "text/plain")).isEqualTo("{\"a\":1}");
      assertThat(decode("{\"a\":1}", "application/javascript")).isEqualTo("{\"a\":1}");
    }

    private static Object decodeAs(String text, Charset charset, String contentType) {
      return ResponseDecoder.decode(text.getBytes(charset), contentType, UTF8);
    }
  }

  @Nested
  class Binary {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "application/octet-stream",
          "image/png",
          "IMAGE/JPEG",
          "audio/mpeg",
          "video/mp4",
          "font/woff2",
          "application/pdf",
          "application/zip",
          "application/gzip",
          "application/x-gzip",
          "application/octet-stream; charset=utf-8",
        })
    void decodeWhenBinaryTypeThenBase64EvenThoughUtf8WasAskedFor(String contentType) {
      byte[] body = allBytes();

      Object decoded = ResponseDecoder.decode(body, contentType, UTF8);

      assertThat(decoded).isEqualTo(Base64.getEncoder().encodeToString(body));
    }

    @Test
    void decodeWhenBinaryTypeAndEmptyBodyThenEmptyString() {
      assertThat(ResponseDecoder.decode(new byte[0], "image/png", UTF8)).isEqualTo("");
    }

    @Test
    void decodeWhenSvgThenXmlNotBase64() {
      assertThat(decode("<svg width=\"1\"/>", "image/svg+xml"))
          .isEqualTo(Map.of("svg", Map.of("$", Map.of("width", "1"))));
    }
  }

  @Nested
  class Xml {
    @Test
    void decodeWhenAttributesRepeatedAndSingleChildrenThenXml2jsShape() {
      Object decoded = decode("<root a=\"1\"><b>x</b><b>y</b><c>z</c></root>", "application/xml");

      assertThat(decoded)
          .isEqualTo(
              object("root", object("$", object("a", "1"), "b", List.of("x", "y"), "c", "z")));
    }

    @Test
    void decodeWhenConvertedThenSerialisesToTheReferenceJson() throws IOException {
      Object decoded =
          decode(
              "<?xml version=\"1.0\"?>\n<root a=\"1\">\n  <b>x</b>\n  <b>y</b>\n  <c>z</c>\n</root>",
              "text/xml");

      assertThat(JACKSON.writeValueAsString(decoded))
          .isEqualTo("{\"root\":{\"$\":{\"a\":\"1\"},\"b\":[\"x\",\"y\"],\"c\":\"z\"}}");
    }

    @Test
    void decodeWhenElementHasAttributesAndTextThenTextUnderUnderscore() {
      assertThat(decode("<price currency=\"EUR\">9.99</price>", "application/xml"))
          .isEqualTo(object("price", object("$", object("currency", "EUR"), "_", "9.99")));
    }

    @Test
    void decodeWhenElementsEmptyOrBlankThenEmptyStringOrTheBlankText() {
      assertThat(decode("<r><a/><b></b><c>  </c><d x=\"1\"> </d></r>", "application/xml"))
          .isEqualTo(
              object("r", object("a", "", "b", "", "c", "  ", "d", object("$", object("x", "1")))));
      assertThat(decode("<r/>", "application/xml")).isEqualTo(object("r", ""));
    }

    @Test
    void decodeWhenTextAroundChildrenThenConcatenatedUnderUnderscoreUntrimmed() {
      assertThat(decode("<p>Hello <b>big</b> world</p>", "application/xml"))
          .isEqualTo(object("p", object("_", "Hello  world", "b", "big")));
    }

    @Test
    void decodeWhenRepeatedNamesAreNotAdjacentThenOneArrayAtTheFirstPosition() {
      assertThat(decode("<r><b>1</b><c>2</c><b>3</b><b><i>4</i></b></r>", "application/xml"))
          .isEqualTo(object("r", object("b", List.of("1", "3", object("i", "4")), "c", "2")));
    }

    @Test
    void decodeWhenNamespacesThenPrefixedNamesAndDeclarationsAsAttributes() {
      String soap =
          "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\""
              + " xmlns=\"urn:default\"><soap:Body><m:Price xmlns:m=\"urn:m\" m:unit=\"EUR\">"
              + "5</m:Price></soap:Body></soap:Envelope>";

      assertThat(decode(soap, "application/soap+xml"))
          .isEqualTo(
              object(
                  "soap:Envelope",
                  object(
                      "$",
                      object(
                          "xmlns:soap", "http://www.w3.org/2003/05/soap-envelope",
                          "xmlns", "urn:default"),
                      "soap:Body",
                      object(
                          "m:Price",
                          object("$", object("xmlns:m", "urn:m", "m:unit", "EUR"), "_", "5")))));
    }

    @Test
    void decodeWhenEntitiesCdataCommentsAndInstructionsThenTextOnly() {
      String xml =
          "<?xml version=\"1.0\"?><!-- c --><r><?pi x?><a>x &amp; y &lt; &#233;&#x6771;</a>"
              + "<b><![CDATA[<raw> & ]]></b><c><!-- gone -->k</c></r>";

      assertThat(decode(xml, "application/xml"))
          .isEqualTo(object("r", object("a", "x & y < é東", "b", "<raw> & ", "c", "k")));
    }

    @Test
    void decodeWhenBlankTextBesideChildrenThenLeftOutEvenAsCdata() {
      assertThat(decode("<r>\n  <![CDATA[ ]]><a>1</a>\n</r>", "application/xml"))
          .isEqualTo(object("r", object("a", "1")));
    }

    @Test
    void decodeWhenChildIsNamedUnderscoreThenTextAndChildAreBothKept() {
      assertThat(decode("<r>t<_>u</_></r>", "application/xml"))
          .isEqualTo(object("r", object("_", List.of("t", "u"))));
    }

    @Test
    void decodeWhenAtomFeedThenConvertedLikeAnyXml() {
      assertThat(decode("<feed><title>T</title></feed>", "application/atom+xml"))
          .isEqualTo(object("feed", object("title", "T")));
    }

    @Test
    void decodeWhenNoCharsetThenTheDocumentsDeclarationDecides() {
      byte[] latin1 =
          "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><g>Grüße</g>".getBytes(ISO_8859_1);
      byte[] utf16 =
          concat(
              bytes(0xFF, 0xFE),
              ("<?xml version=\"1.0\" encoding=\"UTF-16\"?><g>" + GREETING + "</g>")
                  .getBytes(UTF_16LE));

      assertThat(ResponseDecoder.decode(latin1, "application/xml", UTF8))
          .isEqualTo(object("g", "Grüße"));
      assertThat(ResponseDecoder.decode(utf16, "text/xml", UTF8)).isEqualTo(object("g", GREETING));
    }

    @Test
    void decodeWhenCharsetLabelThenTheLabelWinsOverTheDeclaration() {
      byte[] body =
          ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><g>" + GREETING + "</g>")
              .getBytes(UTF_16LE);

      assertThat(ResponseDecoder.decode(body, "application/xml; charset=utf-16le", UTF8))
          .isEqualTo(object("g", GREETING));
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "<a><b></a>",
          "<a>",
          "not xml",
          "<a>1</a><b>2</b>",
          "<a x=1/>",
          "<a>&nbsp;</a>",
          "   ",
          "",
        })
    void decodeWhenNotWellFormedThenTheTextAsIs(String body) {
      assertThat(decode(body, "application/xml")).isEqualTo(body);
    }

    @Test
    void decodeWhenBytesAreMalformedThenReplacementCharactersAsInText() {
      byte[] body = concat("<a>".getBytes(UTF_8), bytes(0xC3, 0x28), "</a>".getBytes(UTF_8));

      assertThat(ResponseDecoder.decode(body, "application/xml", UTF8))
          .isEqualTo(object("a", "\uFFFD("));
    }

    @Test
    void decodeWhenDeclaredEncodingIsUnknownThenUtf8() {
      byte[] body = "<?xml version='1.0' encoding='x-nope'?><g>Grüße</g>".getBytes(UTF_8);

      assertThat(ResponseDecoder.decode(body, "application/xml", UTF8))
          .isEqualTo(object("g", "Grüße"));
    }

    @Test
    void decodeWhenNotWellFormedThenTheTextInTheDeclaredEncoding() {
      byte[] body =
          "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><g>Grüße</h>".getBytes(ISO_8859_1);

      assertThat(ResponseDecoder.decode(body, "application/xml", UTF8))
          .isEqualTo("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><g>Grüße</h>");
    }

    @Test
    void decodeWhenNestedToTheLimitThenConvertedAndItsJsonCanBeWritten() throws IOException {
      int limit = ResponseDecoder.MAX_XML_DEPTH;
      // every level repeats its child name: the deepest JSON an XML document can become
      String atLimit = "<e><e/>".repeat(limit - 1) + "<e/>" + "</e>".repeat(limit - 1);

      Object decoded = decode(atLimit, "application/xml");

      assertThat(decoded).isInstanceOf(Map.class);
      assertThat(JACKSON.writeValueAsString(decoded)).startsWith("{\"e\":{\"e\":[\"\",{\"e\":[");
      String tooDeep = "<e>".repeat(limit + 1) + "</e>".repeat(limit + 1);
      assertThat(decode(tooDeep, "application/xml")).isEqualTo(tooDeep);
    }
  }

  /**
   * DTDs are never processed: entity declarations are skipped, so a document that uses them is not
   * well formed here and comes back as its own text, and no external resource is ever read.
   */
  @Nested
  class XmlSecurity {
    private static final Duration QUICKLY = Duration.ofSeconds(5);

    @Test
    void decodeWhenBillionLaughsThenNotExpandedButReturnedAsTextQuickly() {
      StringBuilder doc = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n");
      doc.append("<!ENTITY lol \"lol\">\n");
      for (int i = 1; i <= 9; i++) {
        doc.append("<!ENTITY lol").append(i).append(" \"");
        doc.append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10)).append("\">\n");
      }
      doc.append("]>\n<lolz>&lol9;</lolz>");
      String body = doc.toString();

      Object decoded = assertTimeoutPreemptively(QUICKLY, () -> decode(body, "application/xml"));

      assertThat(decoded).isEqualTo(body);
    }

    @Test
    void decodeWhenInternalEntityIsDeclaredThenNotExpandedEvenWhenHarmless() {
      String body = "<!DOCTYPE r [<!ENTITY e \"expanded\">]><r>&e;</r>";

      assertThat(decode(body, "application/xml")).isEqualTo(body);
    }

    @Test
    void decodeWhenExternalEntityNamesEtcPasswdThenNotExpanded() {
      String body =
          "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
              + "<r>&xxe;</r>";

      Object decoded = assertTimeoutPreemptively(QUICKLY, () -> decode(body, "text/xml"));

      assertThat(decoded).isEqualTo(body);
    }

    @Test
    void decodeWhenExternalEntityNamesAReadableFileThenItsContentNeverAppears(@TempDir Path dir)
        throws IOException {
      Path secret = Files.writeString(dir.resolve("secret.txt"), "CANARY-7f3a");
      Path dtd =
          Files.writeString(
              dir.resolve("x.dtd"), "<!ENTITY canary SYSTEM \"" + secret.toUri() + "\">");
      String[] bodies = {
        "<!DOCTYPE r [<!ENTITY canary SYSTEM \"" + secret.toUri() + "\">]><r>&canary;</r>",
        "<!DOCTYPE r SYSTEM \"" + dtd.toUri() + "\"><r>&canary;</r>",
        "<!DOCTYPE r [<!ENTITY % p SYSTEM \"" + dtd.toUri() + "\"> %p;]><r>&canary;</r>",
        "<!DOCTYPE r [<!ENTITY canary SYSTEM \"" + secret.toUri() + "\">]><r a=\"&canary;\"/>",
      };

      for (String body : bodies) {
        Object decoded = decode(body, "application/xml");

        assertThat(decoded).as(body).isEqualTo(body);
        assertThat(decoded.toString()).doesNotContain("CANARY");
      }
    }

    @Test
    void decodeWhenDoctypeNamesExternalDtdOrParameterEntityThenNothingIsFetched()
        throws IOException {
      AtomicInteger fetches = new AtomicInteger();
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/",
          exchange -> {
            fetches.incrementAndGet();
            byte[] dtd = "<!ENTITY fetched \"FETCHED\">".getBytes(UTF_8);
            exchange.sendResponseHeaders(200, dtd.length);
            exchange.getResponseBody().write(dtd);
            exchange.close();
          });
      server.start();
      try {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        // a plist-style DOCTYPE without entity use: the DTD is skipped and the document converts
        String plist =
            "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \""
                + base
                + "/plist.dtd\"><plist><string>v</string></plist>";
        String external = "<!DOCTYPE r SYSTEM \"" + base + "/r.dtd\"><r>&fetched;</r>";
        String parameter =
            "<!DOCTYPE r [<!ENTITY % p SYSTEM \"" + base + "/p.dtd\"> %p;]><r>&fetched;</r>";

        assertThat(decode(plist, "application/xml"))
            .isEqualTo(object("plist", object("string", "v")));
        assertThat(decode(external, "application/xml")).isEqualTo(external);
        assertThat(decode(parameter, "application/xml")).isEqualTo(parameter);
        assertThat(fetches).hasValue(0);
      } finally {
        server.stop(0);
      }
    }

    @Test
    void decodeWhenManyHundredThousandElementsThenConvertedWithoutRecursion() {
      List<String> values = new ArrayList<>();
      StringBuilder xml = new StringBuilder("<r>");
      for (int i = 0; i < 200_000; i++) {
        xml.append("<v>").append(i).append("</v>");
        values.add(Integer.toString(i));
      }
      xml.append("</r>");

      assertThat(decode(xml.toString(), "application/xml"))
          .isEqualTo(object("r", object("v", values)));
    }
  }
}
