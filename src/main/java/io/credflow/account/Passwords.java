package io.credflow.account;

import com.password4j.Argon2Function;
import com.password4j.types.Argon2;
import io.credflow.common.Secret;
import io.credflow.common.ValidationException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.Normalizer;

/**
 * Password hashing with Argon2id, and the password policy.
 *
 * <p>Hashes are PHC strings ({@code $argon2id$v=19$m=…,t=…,p=…$salt$hash}) that carry their own
 * parameters, so a hash made with other parameters still verifies, and {@link #needsRehash} tells
 * when to store a new one.
 *
 * <p>Only Password4j's {@link Argon2Function} is used, with salts made here: its {@code Password}
 * entry point and its salt generator read a {@code psw4j.properties} file (from the class path, the
 * file system root, or wherever the {@code psw4j.configuration} system property points) and may
 * print a banner; this way neither is ever loaded.
 */
public final class Passwords {
  /** OWASP's minimum for Argon2id: 19 MiB of memory, two passes, one lane. */
  public static final int DEFAULT_MEMORY_KIB = 19_456;

  public static final int DEFAULT_ITERATIONS = 2;
  public static final int DEFAULT_PARALLELISM = 1;

  /** Shortest password accepted, in characters (Unicode code points). */
  public static final int MIN_LENGTH = 12;

  /** Longest password accepted, in characters: long passphrases fit, megabytes do not. */
  public static final int MAX_LENGTH = 1024;

  private static final int HASH_BYTES = 32;
  private static final int SALT_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Argon2Function argon2;
  // A hash of nothing anyone knows, verified when there is no user or password to verify against,
  // so that an unknown email costs what a wrong password does. Made on first need, not at start.
  private volatile String decoy;

  private Passwords(Argon2Function argon2) {
    this.argon2 = argon2;
  }

  /** Argon2id with OWASP's minimum parameters. */
  public static Passwords defaults() {
    return argon2id(DEFAULT_MEMORY_KIB, DEFAULT_ITERATIONS, DEFAULT_PARALLELISM);
  }

  /**
   * Argon2id with {@code memoryKiB} of memory, {@code iterations} passes and {@code parallelism}
   * lanes; refused unless 1 &le; parallelism, 1 &le; iterations and memory &ge; 8 KiB per lane.
   */
  public static Passwords argon2id(int memoryKiB, int iterations, int parallelism) {
    if (parallelism < 1 || iterations < 1 || memoryKiB < 8 * parallelism) {
      throw new IllegalArgumentException(
          "Argon2id needs parallelism >= 1, iterations >= 1 and memory >= 8 KiB per lane, was m="
              + memoryKiB
              + " KiB, t="
              + iterations
              + ", p="
              + parallelism);
    }
    return new Passwords(
        Argon2Function.getInstance(memoryKiB, iterations, parallelism, HASH_BYTES, Argon2.ID));
  }

  /**
   * Checks {@code password} against the policy: {@value #MIN_LENGTH} to {@value #MAX_LENGTH}
   * characters. Throws a {@link ValidationException} on the field {@code password} saying what to
   * fix; the message never contains the password.
   */
  public static void checkPolicy(Secret password) {
    int length = length(password);
    if (length < MIN_LENGTH) {
      throw new ValidationException(
          "password",
          "password_too_short",
          "the password must be at least "
              + MIN_LENGTH
              + " characters long, was "
              + length
              + "; a few words make a long password that is easy to remember");
    }
    if (length > MAX_LENGTH) {
      throw new ValidationException(
          "password",
          "password_too_long",
          "the password must be at most " + MAX_LENGTH + " characters long, was " + length);
    }
  }

  /** The password's length in characters (Unicode code points), after normalization. */
  static int length(Secret password) {
    String normalized = normalize(password);
    return normalized.codePointCount(0, normalized.length());
  }

  /** The PHC string of {@code password} with a new random salt. */
  public String hash(Secret password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return argon2.hash(bytes(password), salt).getResult();
  }

  /**
   * Whether {@code password} is the one {@code hash} was made of, in constant time for a given
   * hash. A hash that is not an Argon2 PHC string matches nothing.
   */
  public boolean matches(Secret password, String hash) {
    // Password4j's BadParametersException (a malformed hash) is an IllegalArgumentException.
    try {
      return Argon2Function.getInstanceFromHash(hash).check(bytes(password), bytes(hash));
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return false;
    }
  }

  /**
   * Spends one verification, as {@link #matches} does, on a hash nobody knows the password of; for
   * callers that must not answer faster when there is nothing to verify.
   */
  public void matchesNothing(Secret password) {
    String d = decoy;
    if (d == null) {
      byte[] unknown = new byte[32];
      RANDOM.nextBytes(unknown);
      d = hash(Secret.of(java.util.HexFormat.of().formatHex(unknown)));
      decoy = d;
    }
    matches(password, d);
  }

  /** Whether {@code hash} was made with other parameters than this one's, and so wants renewing. */
  public boolean needsRehash(String hash) {
    try {
      return !Argon2Function.getInstanceFromHash(hash).equals(argon2);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return true;
    }
  }

  /**
   * Compatibility normalization (NFKC), as NIST SP 800-63B advises: the same password typed on two
   * keyboards that compose accents differently gives the same bytes.
   */
  private static String normalize(Secret password) {
    return Normalizer.normalize(password.reveal(), Normalizer.Form.NFKC);
  }

  private static byte[] bytes(Secret password) {
    return normalize(password).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Names the algorithm and its parameters; never a hash or a password. */
  @Override
  public String toString() {
    return "Passwords[argon2id, m="
        + argon2.getMemory()
        + " KiB, t="
        + argon2.getIterations()
        + ", p="
        + argon2.getParallelism()
        + "]";
  }
}
