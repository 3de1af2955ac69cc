package io.credflow.executor;

import com.dashjoin.jsonata.Jsonata;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Consumer;

/**
 * Bounds one JSONata evaluation by the work it does: at most {@code maxSteps} evaluation steps, at
 * most {@code maxDepth} of them nested. JSONata's own bound ({@code Frame.setRuntimeBounds}) reads
 * the wall clock from the moment the frame is made, so it also counts the time the thread waited
 * for a processor: under load, an expression of a dozen steps was stopped as an "infinite loop". A
 * count of steps gives the same answer for the same expression and message however busy the machine
 * is, and still stops a runaway one (a loop that recurses in tail position never grows the depth).
 *
 * <p>One budget per evaluation, used by the evaluating thread only.
 */
final class EvaluationBudget {
  private final long maxSteps;
  private final int maxDepth;
  private long steps;
  private int depth;

  private EvaluationBudget(long maxSteps, int maxDepth) {
    this.maxSteps = maxSteps;
    this.maxDepth = maxDepth;
  }

  /** Makes every evaluation in {@code frame} count against a new budget. */
  static void install(Jsonata.Frame frame, long maxSteps, int maxDepth) {
    EvaluationBudget budget = new EvaluationBudget(maxSteps, maxDepth);
    frame.setEvaluateEntryCallback(callback(Jsonata.EntryCallback.class, budget::enter));
    frame.setEvaluateExitCallback(callback(Jsonata.ExitCallback.class, budget::exit));
  }

  private void enter(Jsonata.Frame env) {
    if (++steps > maxSteps) {
      throw new Exceeded(
          "the evaluation took more than "
              + maxSteps
              + " steps; check for a loop that does not end");
    }
    // JSONata marks the siblings of an array or object constructor as "parallel": they do not
    // nest in each other, so they leave the depth alone (as its own bound does).
    if (!env.isParallelCall && ++depth > maxDepth) {
      throw new Exceeded(
          "the evaluation nests more than "
              + maxDepth
              + " deep; check for a recursive function that does not end");
    }
  }

  private void exit(Jsonata.Frame env) {
    if (!env.isParallelCall) {
      depth--;
    }
  }

  /**
   * The callback interfaces name a parser type JSONata keeps package-private, so no lambda or class
   * outside its package can implement them; a dynamic proxy can, as it never names that type. Both
   * callbacks take the evaluation's frame as their third argument.
   */
  private static <T> T callback(Class<T> type, Consumer<Jsonata.Frame> step) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method, args);
          }
          step.accept((Jsonata.Frame) args[2]);
          return null;
        };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static Object objectMethod(Object proxy, Method method, Object[] args) {
    return switch (method.getName()) {
      case "equals" -> proxy == args[0];
      case "hashCode" -> System.identityHashCode(proxy);
      default -> "EvaluationBudget callback";
    };
  }

  /** The budget ran out; the message says which bound and what to look for. */
  static final class Exceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Exceeded(String message) {
      super(message, null, false, false);
    }
  }
}
