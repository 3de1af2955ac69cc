package io.credflow.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Decoding never fails: whatever bytes arrive under whatever content type, the result is one of the
 * plain JSON shapes, and Jackson can write it back out (so the executor can always answer).
 */
class ResponseDecoderProperties {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.of(
        null,
        "application/json",
        "application/xml",
        "text/xml; charset=utf-16le",
        "text/plain; charset=iso-8859-1",
        "text/plain; charset=bogus",
        "image/png",
        "application/vnd.x+json; charset=utf-16",
        ";;;",
        "application/xml; charset=\"");
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
    Arbitrary<byte[]> markup =
        Arbitraries.strings()
            .withChars("<>/=\"'&;#x!?[]-: abc{}[],\\u00e9\u6771\uFEFF01")
            .ofMaxLength(120)
            .map(s -> s.getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> almostXml =
        Arbitraries.strings()
            .withChars("<>/=\"&;#!-:ab ")
            .ofMaxLength(40)
            .map(s -> ("<r a=\"1\"><b>" + s + "</b></r>").getBytes(StandardCharsets.UTF_8));
    return Arbitraries.oneOf(random, markup, almostXml);
  }

  @Property(tries = 2000)
  void decodeWhenAnyBytesUnderAnyTypeThenAPlainJsonValueThatJacksonCanWrite(
      @ForAll("bodies") byte[] body, @ForAll("contentTypes") String contentType) throws Exception {
    Object decoded = ResponseDecoder.decode(body, contentType, ResponseEncoding.UTF8);

    assertThat(decoded == null || plain(decoded)).as("%s", decoded).isTrue();
    JSON.writeValueAsString(decoded);
  }

  private static boolean plain(Object value) {
    return switch (value) {
      case null -> true;
      case String s -> true;
      case Number n -> true;
      case Boolean b -> true;
      case List<?> list -> list.stream().allMatch(ResponseDecoderProperties::plain);
      case Map<?, ?> map ->
          map.keySet().stream().allMatch(k -> k instanceof String)
              && map.values().stream().allMatch(ResponseDecoderProperties::plain);
      default -> false;
    };
  }
}
