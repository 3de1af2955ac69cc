package io.credflow.executor;

import com.dashjoin.jsonata.Jsonata;
import io.credflow.common.BoundedCache;
import io.credflow.common.ValidationException;

/**
 * One JSONata expression of a request spec, compiled once and cached by its text: the same url or
 * header expression sent a million times is parsed once. A compiled expression is shared by every
 * thread; everything that differs per call (the message, {@code $getPassthrough()}) lives in the
 * frame of one evaluation.
 */
public final class Expression {
  /** Expressions kept compiled; past this the cache starts over rather than grow without end. */
  static final int CACHE_LIMIT = 2_000;

  /** Longer expressions (whole body templates) are compiled for each spec, not kept. */
  static final int CACHED_TEXT_LIMIT = 4_096;

  /**
   * Most steps a single evaluation may take before it is stopped (about a second of work), and how
   * deep it may recurse: bounds on work, not on time (see {@link EvaluationBudget}).
   */
  static final long STEP_LIMIT = 10_000_000;

  static final int DEPTH_LIMIT = 200;

  /**
   * Most characters and items a single evaluation may make, added up over its steps (see {@link
   * EvaluationBudget}): a few times any body a request sends, far less than a heap.
   */
  static final long MADE_LIMIT = 8_000_000;

  private static final String TOO_DEEP =
      "the JSONata expression nests too deeply: use fewer levels of parentheses, brackets and"
          + " operators";

  private static final BoundedCache<String, Expression> CACHE = new BoundedCache<>(CACHE_LIMIT);

  private final String text;
  private final Jsonata compiled;

  private Expression(String text, Jsonata compiled) {
    this.text = text;
    this.compiled = compiled;
  }

  /**
   * The compiled expression for {@code text}; a syntax error is a 422 at {@code pointer} with the
   * parser's message.
   */
  public static Expression compile(String text, String pointer) {
    Expression cached = CACHE.get(text);
    if (cached != null) {
      return cached;
    }
    Expression made = new Expression(text, parse(text, pointer));
    if (text.length() > CACHED_TEXT_LIMIT) {
      return made;
    }
    // Two threads compiling the same text at once both keep a correct, equal expression.
    CACHE.put(text, made);
    return made;
  }

  private static Jsonata parse(String text, String pointer) {
    try {
      Jsonata parsed = Jsonata.jsonata(text);
      // Inputs are plain JSON values already (parsed by Jackson); walking them again per call
      // would only cost time.
      parsed.setValidateInput(false);
      return parsed;
    } catch (RuntimeException e) {
      throw new ValidationException(
          pointer,
          "invalid_expression",
          "not a valid JSONata expression: "
              + e.getMessage()
              + " (string literals need quotes, e.g. \"\\\"https://api.example.com\\\"\")");
    } catch (StackOverflowError e) {
      // The parser is recursive: input nested thousands deep ("((((…", "- - - …") runs it out of
      // stack. The stack unwinds to here intact, and the input is what is wrong.
      throw new ValidationException(pointer, "invalid_expression", TOO_DEEP);
    }
  }

  /**
   * Evaluates over {@code input} with {@code $getPassthrough()} answering {@code passthrough}; the
   * result is a plain JSON value, or null when the expression yields nothing. A runtime error is a
   * 422 at {@code pointer}.
   */
  public Object evaluate(Object input, Object passthrough, String pointer) {
    try {
      Jsonata.Frame frame = compiled.createFrame();
      frame.bind("getPassthrough", (Jsonata.Fn0<Object>) () -> passthrough);
      EvaluationBudget.install(frame, STEP_LIMIT, DEPTH_LIMIT, MADE_LIMIT);
      Object result = compiled.evaluate(input, frame);
      return result == Jsonata.NULL_VALUE ? null : result;
    } catch (RuntimeException e) {
      throw new ValidationException(
          pointer,
          "expression_failed",
          "the JSONata expression failed on this message: " + e.getMessage());
    } catch (StackOverflowError e) {
      throw new ValidationException(pointer, "expression_failed", TOO_DEEP + " on this message");
    } catch (OutOfMemoryError e) {
      // The budget stops growth between steps; one step can still ask for more than the heap has.
      // What it made is garbage once the stack has unwound to here.
      throw new ValidationException(
          pointer,
          "expression_failed",
          "the JSONata expression needed more memory than Credflow has for it on this message");
    }
  }

  public String text() {
    return text;
  }

  static int cached() {
    return CACHE.size();
  }

  /** Expressions of the same text are equal, so that equal specs are equal (one flow step). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Expression other && text.equals(other.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return "Expression[" + text + "]";
  }
}
