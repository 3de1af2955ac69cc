package io.credflow.common;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Masks known secret values in text that came from elsewhere (a provider's error description, an
 * upstream's answer, a message quoting either), in every form a secret is seen in on the wire: as
 * it is, URL-encoded (with {@code +} or {@code %20} for spaces), in standard and URL-safe base64,
 * and in any letter case. A Basic pair is masked as {@code user:password} and as its base64 too.
 * Values shorter than {@link #MIN_LENGTH} are left alone: masking them would garble ordinary text
 * without protecting anything.
 *
 * <p>Immutable and thread-safe. Its pattern is compiled the first time text may hold a secret.
 */
public final class SecretMask {
  /** Shorter values are not masked. */
  public static final int MIN_LENGTH = 4;

  private static final SecretMask NONE = new SecretMask(List.of());

  private final List<String> secrets;
  private final List<String> orderedForms;

  /** Compiled on first need: most masks never meet text that holds a secret. */
  private volatile Pattern pattern;

  /** Every form, lower-cased: a cheap first look before the pattern runs. */
  private final String[] lowerForms;

  private SecretMask(List<String> secrets) {
    this.secrets = List.copyOf(secrets);
    Set<String> forms = new LinkedHashSet<>();
    for (String s : secrets) {
      forms.addAll(forms(s));
    }
    // Longest first, so a longer form is masked whole before a shorter one inside it could match.
    List<String> ordered =
        forms.stream()
            .filter(f -> f.length() >= MIN_LENGTH)
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
    this.lowerForms =
        ordered.stream().map(f -> f.toLowerCase(Locale.ROOT)).distinct().toArray(String[]::new);
    this.orderedForms = ordered;
  }

  /** A mask that masks nothing. */
  public static SecretMask none() {
    return NONE;
  }

  /** A mask of these values (shorter ones and blanks are ignored). */
  public static SecretMask of(Collection<String> values) {
    List<String> kept = new ArrayList<>();
    for (String v : values) {
      if (v != null && v.length() >= MIN_LENGTH) {
        kept.add(v);
      }
    }
    return kept.isEmpty() ? NONE : new SecretMask(kept);
  }

  /** A mask of these secrets' values. */
  public static SecretMask ofSecrets(Collection<Secret> values) {
    return of(values.stream().map(Secret::reveal).toList());
  }

  /** This mask and {@code values} too. */
  public SecretMask and(Collection<String> values) {
    List<String> all = new ArrayList<>(secrets);
    all.addAll(values);
    return of(all);
  }

  /** This mask and a Basic pair: {@code user:password} and its base64, and the password alone. */
  public SecretMask andBasicPair(String user, Secret password) {
    String pair = user + ":" + password.reveal();
    return and(List.of(password.reveal(), pair));
  }

  /** Whether this mask masks anything at all. */
  public boolean isEmpty() {
    return orderedForms.isEmpty();
  }

  /** {@code text} with every form of every secret replaced by {@value Secret#MASK}. */
  public String apply(String text) {
    if (orderedForms.isEmpty() || text == null || text.isEmpty() || surelyAbsent(text)) {
      return text;
    }
    Matcher m = pattern().matcher(text);
    return m.find() ? m.replaceAll(Matcher.quoteReplacement(Secret.MASK)) : text;
  }

  private Pattern pattern() {
    Pattern p = pattern;
    if (p == null) {
      p =
          Pattern.compile(
              orderedForms.stream().map(Pattern::quote).collect(Collectors.joining("|")),
              Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
      pattern = p;
    }
    return p;
  }

  /**
   * Whether no form can be in {@code text}, told by plain searches in its lower-cased copy (fast,
   * vectorized). Only for ASCII text, where lower-casing and the pattern's case folding agree; any
   * other text goes to the pattern.
   */
  private boolean surelyAbsent(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    String lower = text.toLowerCase(Locale.ROOT);
    for (String form : lowerForms) {
      if (lower.contains(form)) {
        return false;
      }
    }
    return true;
  }

  private static List<String> forms(String secret) {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    String plus = URLEncoder.encode(secret, StandardCharsets.UTF_8);
    return List.of(
        secret,
        plus,
        plus.replace("+", "%20"),
        Base64.getEncoder().encodeToString(bytes),
        Base64.getEncoder().withoutPadding().encodeToString(bytes),
        Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  @Override
  public String toString() {
    return "SecretMask[" + secrets.size() + " values]";
  }
}
