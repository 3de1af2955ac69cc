package io.credflow.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dashjoin.jsonata.Jsonata;
import io.credflow.common.ValidationException;
import io.credflow.common.Violation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * JSONata evaluation bounds: a runaway expression is stopped by the work it does, never by the time
 * it took, so the same expression on the same message gets the same answer on a busy machine.
 */
class ExpressionTest {
  private static final String POINTER = "/data/attributes/config/reader/url";

  private static Violation failure(String text) {
    Expression expression = Expression.compile(text, POINTER);
    try {
      expression.evaluate(Map.of("body", Map.of()), null, POINTER);
    } catch (ValidationException e) {
      assertThat(e.violations()).hasSize(1);
      return e.violations().getFirst();
    }
    throw new AssertionError(text + " was evaluated");
  }

  @Test
  void aLoopThatDoesNotEndIsStoppedByTheStepBudget() {
    // Recursion in tail position: the depth never grows, only the count of steps.
    Jsonata loop = Jsonata.jsonata("($loop := function($n){ $loop($n + 1) }; $loop(0))");
    Jsonata.Frame frame = loop.createFrame();
    EvaluationBudget.install(frame, 10_000, Expression.DEPTH_LIMIT, Expression.MADE_LIMIT);
    assertThatThrownBy(() -> loop.evaluate(null, frame))
        .isInstanceOf(EvaluationBudget.Exceeded.class)
        .hasMessage(
            "the evaluation took more than 10000 steps; check for a loop that does not end");
  }

  @Test
  void evaluateWhenRecursionNestsTooDeepThenItIsStoppedAsAFailureAtItsPointer() {
    Violation v = failure("($f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(1000))");
    assertThat(v.field()).isEqualTo(POINTER);
    assertThat(v.code()).isEqualTo("expression_failed");
    assertThat(v.detail())
        .isEqualTo(
            "the JSONata expression failed on this message: the evaluation nests more than "
                + Expression.DEPTH_LIMIT
                + " deep; check for a recursive function that does not end");
  }

  @Test
  void evaluateWhenTheWorkIsLargeButWithinTheBudgetThenItCompletes() {
    Expression sum = Expression.compile("$sum([1..100000].($ * 2))", POINTER);
    assertThat(sum.evaluate(Map.of(), null, POINTER)).isEqualTo(10_000_100_000L);
    Expression siblings =
        Expression.compile("[" + "body.a, ".repeat(Expression.DEPTH_LIMIT) + "1]", POINTER);
    // Siblings in a constructor do not nest: 201 of them are no depth of 201.
    assertThat((List<?>) siblings.evaluate(Map.of("body", Map.of("a", 1)), null, POINTER))
        .hasSize(Expression.DEPTH_LIMIT + 1);
  }

  @Test
  void aBudgetStopsAtTheSameStepEveryTime() {
    Jsonata expression = Jsonata.jsonata("$string(a) & \"-\" & $uppercase(b)");
    Map<String, Object> input = Map.of("a", 1, "b", "x");
    long needed = 0;
    while (!completes(expression, input, needed)) {
      needed++;
    }
    assertThat(needed).isPositive();
    for (int i = 0; i < 100; i++) {
      assertThat(completes(expression, input, needed)).isTrue();
      assertThat(completes(expression, input, needed - 1)).isFalse();
    }
  }

  private static boolean completes(Jsonata expression, Object input, long steps) {
    Jsonata.Frame frame = expression.createFrame();
    EvaluationBudget.install(frame, steps, Expression.DEPTH_LIMIT, Expression.MADE_LIMIT);
    try {
      assertThat(expression.evaluate(input, frame)).isEqualTo("1-X");
      return true;
    } catch (EvaluationBudget.Exceeded e) {
      return false;
    }
  }
}
