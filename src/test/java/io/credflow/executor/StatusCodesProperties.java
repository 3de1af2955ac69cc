package io.credflow.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.common.ValidationException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any valid list of codes and ranges, however spaced, parses to the set it names, and its canonical
 * form parses back to an equal set; any string at all either parses or is refused with {@code
 * invalid_status_codes}, never another exception.
 */
class StatusCodesProperties {
  private static final String POINTER = "/errorCodes";

  /** A token with the codes it stands for. */
  record Token(String text, Set<Integer> codes) {}

  @Provide
  Arbitrary<List<Token>> tokens() {
    Arbitrary<String> space = Arbitraries.of("", " ", "  ", "\t");
    Arbitrary<Integer> code = Arbitraries.integers().between(100, 599);
    Arbitrary<Token> single =
        Combinators.combine(space, code, space).as((a, c, b) -> new Token(a + c + b, Set.of(c)));
    Arbitrary<Token> range =
        Combinators.combine(code, code, space, space)
            .as(
                (x, y, a, b) -> {
                  int low = Math.min(x, y);
                  int high = Math.max(x, y);
                  Set<Integer> codes = new HashSet<>();
                  IntStream.rangeClosed(low, high).forEach(codes::add);
                  return new Token(a + low + b + "-" + a + high + b, codes);
                });
    return Arbitraries.oneOf(single, range).list().ofMaxSize(12);
  }

  @Property(tries = 500)
  void parseWhenValidTokensThenSetIsTheirUnionAndCanonicalFormRoundTrips(
      @ForAll("tokens") List<Token> tokens) {
    String spelled = String.join(",", tokens.stream().map(Token::text).toList());
    Set<Integer> expected = new HashSet<>();
    tokens.forEach(t -> expected.addAll(t.codes()));

    StatusCodes codes = StatusCodes.parse(spelled, POINTER);

    for (int c = -1; c <= 700; c++) {
      assertThat(codes.contains(c)).as("%d in %s", c, spelled).isEqualTo(expected.contains(c));
    }
    StatusCodes again = StatusCodes.parse(codes.toString(), POINTER);
    assertThat(again).isEqualTo(codes);
    assertThat(again.toString()).isEqualTo(codes.toString()).doesNotContain(" ");
  }

  @Property(tries = 500)
  void parseWhenAnyStringThenParsesOrIsRefusedAsInvalidStatusCodes(
      @ForAll("garbage") String value) {
    try {
      StatusCodes codes = StatusCodes.parse(value, POINTER);
      assertThat(StatusCodes.parse(codes.toString(), POINTER)).isEqualTo(codes);
    } catch (ValidationException e) {
      assertThat(e.violations())
          .isNotEmpty()
          .allSatisfy(
              v -> {
                assertThat(v.code()).isEqualTo("invalid_status_codes");
                assertThat(v.field()).isEqualTo(POINTER);
              });
    }
  }

  @Provide
  Arbitrary<String> garbage() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789-, \t").ofMaxLength(30),
        Arbitraries.strings().all().ofMaxLength(30));
  }
}
