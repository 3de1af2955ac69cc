package io.credflow.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * IP addresses written as a URL's host, in every form a browser, curl or {@code inet_aton} accepts:
 * IPv4 in one to four parts, each decimal, hex ({@code 0x}) or octal (leading {@code 0}), so {@code
 * 2130706433}, {@code 0x7f.1}, {@code 0177.0.0.1} and {@code 127.1} are all 127.0.0.1; IPv6
 * bracketed or bare, with or without a zone. A host that ends in a number but is no valid address
 * is refused rather than looked up as a name, as the WHATWG URL standard does.
 */
final class IpLiterals {
  private IpLiterals() {}

  /**
   * The address {@code host} spells; empty when it is a name to resolve.
   *
   * @throws OutboundRefusedException when it looks like an address but is not a valid one
   */
  static Optional<InetAddress> parse(String host) {
    if (host.startsWith("[") || host.contains(":")) {
      return Optional.of(ipv6(host));
    }
    List<String> parts = new ArrayList<>(Arrays.asList(host.split("\\.", -1)));
    if (parts.size() > 1 && parts.get(parts.size() - 1).isEmpty()) {
      parts.remove(parts.size() - 1); // a trailing dot
    }
    if (!endsInNumber(parts.get(parts.size() - 1))) {
      return Optional.empty();
    }
    return Optional.of(ipv4(host, parts));
  }

  private static boolean endsInNumber(String last) {
    if (!last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return true;
    }
    return (last.startsWith("0x") || last.startsWith("0X"))
        && last.substring(2).chars().allMatch(c -> digit(c, 16) >= 0);
  }

  private static InetAddress ipv4(String host, List<String> parts) {
    if (parts.size() > 4) {
      throw invalid(host, "an IPv4 address has at most four parts");
    }
    long[] numbers = new long[parts.size()];
    for (int i = 0; i < parts.size(); i++) {
      numbers[i] = number(parts.get(i));
      if (numbers[i] < 0) {
        throw invalid(host, "\"" + parts.get(i) + "\" is not a decimal, octal or hex number");
      }
      if (i < parts.size() - 1 && numbers[i] > 255) {
        throw invalid(host, "every part but the last must be 0 to 255");
      }
    }
    int last = parts.size() - 1;
    long room = 1L << (8 * (4 - last));
    if (numbers[last] >= room) {
      throw invalid(host, "the number is too large for an IPv4 address");
    }
    long value = numbers[last];
    for (int i = 0; i < last; i++) {
      value |= numbers[i] << (8 * (3 - i));
    }
    byte[] bytes = {(byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value};
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are always an IPv4 address", e);
    }
  }

  /** A part's value, or -1 when it is not a number in its radix (or is absurdly long). */
  private static long number(String part) {
    if (part.isEmpty()) {
      return -1;
    }
    int radix = 10;
    String digits = part;
    if (part.startsWith("0x") || part.startsWith("0X")) {
      radix = 16;
      digits = part.substring(2);
    } else if (part.length() > 1 && part.startsWith("0")) {
      radix = 8;
      digits = part.substring(1);
    }
    if (digits.isEmpty()) {
      return 0;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (digit(digits.charAt(i), radix) < 0) {
        return -1;
      }
    }
    try {
      return Long.parseLong(digits, radix);
    } catch (NumberFormatException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /** An ASCII digit's value in {@code radix}, else -1 (no other scripts' digits). */
  private static int digit(int c, int radix) {
    int value =
        c >= '0' && c <= '9'
            ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    return value < radix ? value : -1;
  }

  private static InetAddress ipv6(String host) {
    String inner = host;
    if (host.startsWith("[")) {
      if (!host.endsWith("]")) {
        throw invalid(host, "a bracketed IPv6 address needs its closing \"]\"");
      }
      inner = host.substring(1, host.length() - 1);
    }
    // The zone (%eth0, %25eth0 in a URL) names a local interface: it does not change the class.
    int zone = inner.indexOf('%');
    String address = zone < 0 ? inner : inner.substring(0, zone);
    if (!address.contains(":")
        || !address.chars().allMatch(c -> c == ':' || c == '.' || digit(c, 16) >= 0)) {
      throw invalid(host, "it is not an IPv6 address");
    }
    try {
      // With a colon in it, the JDK parses the text as a literal and never asks DNS.
      return InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      throw invalid(host, "it is not an IPv6 address");
    }
  }

  private static OutboundRefusedException invalid(String host, String why) {
    return OutboundRefusedException.refused(
        "the host "
            + OutboundPolicy.quoted(host)
            + " is not a valid IP address ("
            + why
            + "): write the address as 1.2.3.4 or [2001:db8::1], or use a host name");
  }

  /** An address as people write it: dotted IPv4, IPv6 with its longest zero run as "::". */
  static String text(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return address.getHostAddress();
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }
}
