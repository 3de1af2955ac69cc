package io.credflow.executor;

import com.dashjoin.jsonata.Jsonata;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Bounds one JSONata evaluation by the work it does: at most {@code maxSteps} evaluation steps, at
 * most {@code maxDepth} of them nested. JSONata's own bound ({@code Frame.setRuntimeBounds}) reads
 * the wall clock from the moment the frame is made, so it also counts the time the thread waited
 * for a processor: under load, an expression of a dozen steps was stopped as an "infinite loop". A
 * count of steps gives the same answer for the same expression and message however busy the machine
 * is, and still stops a runaway one (a loop that recurses in tail position never grows the depth).
 *
 * <p>It also bounds what an evaluation makes: the characters of the strings and the items of the
 * arrays and objects that its operators, function calls and constructors produce, added up. A value
 * that doubles itself a few dozen times (a string concatenated with itself) would otherwise fill
 * the heap within a handful of steps. The sum is a stand-in for the bytes allocated, which the JVM
 * does not count for the virtual threads requests run on, and like the steps it gives the same
 * answer for the same expression and message however busy the machine is. Values that are only
 * looked up (paths, variables) are not counted: they exist already.
 *
 * <p>One budget per evaluation, used by the evaluating thread only.
 */
final class EvaluationBudget {
  /** The kinds of step that make a new value, by JSONata's name for them. */
  private static final Set<String> MAKERS =
      Set.of("binary", "unary", "function", "partial", "apply", "transform");

  /** JSONata's (package-private) field naming a step's kind; absent, every step is counted. */
  private static final Field STEP_TYPE = stepType();

  private final long maxSteps;
  private final int maxDepth;
  private final long maxMade;
  private long steps;
  private int depth;
  private long made;

  private EvaluationBudget(long maxSteps, int maxDepth, long maxMade) {
    this.maxSteps = maxSteps;
    this.maxDepth = maxDepth;
    this.maxMade = maxMade;
  }

  /** Makes every evaluation in {@code frame} count against a new budget. */
  static void install(Jsonata.Frame frame, long maxSteps, int maxDepth, long maxMade) {
    EvaluationBudget budget = new EvaluationBudget(maxSteps, maxDepth, maxMade);
    frame.setEvaluateEntryCallback(
        callback(Jsonata.EntryCallback.class, args -> budget.enter((Jsonata.Frame) args[2])));
    frame.setEvaluateExitCallback(
        callback(
            Jsonata.ExitCallback.class,
            args -> budget.exit(args[0], (Jsonata.Frame) args[2], args[3])));
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

  private void exit(Object step, Jsonata.Frame env, Object result) {
    if (!env.isParallelCall) {
      depth--;
    }
    if (result != null && makes(step)) {
      made += size(result);
      if (made > maxMade) {
        throw new Exceeded(
            "the evaluation made more than "
                + maxMade
                + " characters and items in all; check for a value that grows without end");
      }
    }
  }

  private static long size(Object value) {
    return switch (value) {
      case CharSequence s -> s.length();
      case Collection<?> c -> c.size();
      case Map<?, ?> m -> m.size();
      default -> 0;
    };
  }

  private static boolean makes(Object step) {
    if (STEP_TYPE == null) {
      return true;
    }
    try {
      return step != null && MAKERS.contains(STEP_TYPE.get(step));
    } catch (IllegalAccessException | IllegalArgumentException e) {
      return true;
    }
  }

  private static Field stepType() {
    try {
      Field type = Class.forName("com.dashjoin.jsonata.Parser$Symbol").getDeclaredField("type");
      type.setAccessible(true);
      return type;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The callback interfaces name a parser type JSONata keeps package-private, so no lambda or class
   * outside its package can implement them; a dynamic proxy can, as it never names that type. Both
   * callbacks take the step as their first argument and the evaluation's frame as their third; the
   * exit callback takes the step's result as its fourth.
   */
  private static <T> T callback(Class<T> type, Consumer<Object[]> step) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method, args);
          }
          step.accept(args);
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
