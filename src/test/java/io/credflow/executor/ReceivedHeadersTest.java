package io.credflow.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReceivedHeadersTest {
  private static Map.Entry<String, String> field(String name, String value) {
    return new SimpleEntry<>(name, value);
  }

  @Test
  void asReceivedWhenEachNameOnceThenStringValuesUnderTheNamesAsSpelledInOrder() {
    Map<String, Object> headers =
        ReceivedHeaders.asReceived(
            List.of(
                field("Content-Type", "application/json"),
                field("x-request-ID", "abc"),
                field("ETag", "\"v1\"")));

    assertThat(headers)
        .containsExactly(
            Map.entry("Content-Type", "application/json"),
            Map.entry("x-request-ID", "abc"),
            Map.entry("ETag", "\"v1\""));
  }

  @Test
  void asReceivedWhenNameRepeatsInAnyCaseThenListInOrderUnderTheFirstSpelling() {
    Map<String, Object> headers =
        ReceivedHeaders.asReceived(
            List.of(
                field("Set-Cookie", "a=1"),
                field("Date", "Wed, 21 Oct 2015 07:28:00 GMT"),
                field("set-cookie", "b=2"),
                field("SET-COOKIE", "c=3")));

    assertThat(headers)
        .containsExactly(
            Map.entry("Set-Cookie", List.of("a=1", "b=2", "c=3")),
            Map.entry("Date", "Wed, 21 Oct 2015 07:28:00 GMT"));
  }

  @Test
  void asReceivedWhenValueHasCommasThenItIsNotSplit() {
    Map<String, Object> headers =
        ReceivedHeaders.asReceived(
            List.of(field("Cache-Control", "no-cache, no-store"), field("Vary", "")));

    assertThat(headers)
        .containsExactly(Map.entry("Cache-Control", "no-cache, no-store"), Map.entry("Vary", ""));
  }

  @Test
  void asReceivedWhenValueIsNullThenEmptyString() {
    assertThat(ReceivedHeaders.asReceived(List.of(field("X-Empty", null))))
        .containsExactly(Map.entry("X-Empty", ""));
  }

  @Test
  void asReceivedWhenNoFieldsThenEmptyObject() {
    assertThat(ReceivedHeaders.asReceived(List.of())).isEmpty();
  }

  @Test
  void asReceivedWhenCallerTriesToChangeTheResultThenRefused() {
    Map<String, Object> headers =
        ReceivedHeaders.asReceived(List.of(field("A", "1"), field("a", "2")));

    assertThatThrownBy(() -> headers.put("B", "x"))
        .isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<String> values = (List<String>) headers.get("A");
    assertThatThrownBy(() -> values.add("3")).isInstanceOf(UnsupportedOperationException.class);
  }
}
