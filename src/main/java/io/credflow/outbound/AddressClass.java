package io.credflow.outbound;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * What kind of address an IP is, as far as outbound calls care, and whether it may be called. IPv6
 * forms that carry an IPv4 address (mapped, translated, compatible, NAT64, 6to4) are classed by
 * that address.
 */
enum AddressClass {
  PUBLIC("public", Rule.ALLOWED),
  LOOPBACK("loopback", Rule.PRIVATE),
  PRIVATE("private", Rule.PRIVATE),
  SHARED("carrier-grade NAT", Rule.PRIVATE),
  UNIQUE_LOCAL("unique local", Rule.PRIVATE),
  LINK_LOCAL("link-local", Rule.NEVER),
  METADATA("cloud metadata", Rule.NEVER),
  UNSPECIFIED("unspecified", Rule.NEVER),
  MULTICAST("multicast", Rule.NEVER),
  BROADCAST("broadcast", Rule.NEVER),
  RESERVED("reserved", Rule.NEVER);

  /** When an address of a class may be called. */
  enum Rule {
    ALLOWED,
    /** Only when the server runs with {@code --allow-private-network}. */
    PRIVATE,
    NEVER
  }

  private static final int[] METADATA_V4 = {
    v4(169, 254, 169, 254), // AWS, GCP, Azure, OpenStack, …
    v4(100, 100, 100, 200), // Alibaba Cloud
    v4(168, 63, 129, 16) // Azure wire server
  };

  /** AWS's IPv6 instance metadata endpoint, fd00:ec2::254. */
  private static final byte[] METADATA_V6 = {
    (byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54
  };

  private final String label;
  private final Rule rule;

  AddressClass(String label, Rule rule) {
    this.label = label;
    this.rule = rule;
  }

  /** Words for people: {@code loopback}, {@code cloud metadata}, … */
  String label() {
    return label;
  }

  Rule rule() {
    return rule;
  }

  static AddressClass of(InetAddress address) {
    byte[] b = address.getAddress();
    return b.length == 4 ? ofV4(toInt(b, 0)) : ofV6(b);
  }

  private static AddressClass ofV4(int a) {
    for (int m : METADATA_V4) {
      if (a == m) {
        return METADATA;
      }
    }
    if (a == -1) {
      return BROADCAST;
    }
    if (in(a, 0, 0, 0, 0, 8)) {
      return UNSPECIFIED;
    }
    if (in(a, 127, 0, 0, 0, 8)) {
      return LOOPBACK;
    }
    if (in(a, 10, 0, 0, 0, 8) || in(a, 172, 16, 0, 0, 12) || in(a, 192, 168, 0, 0, 16)) {
      return PRIVATE;
    }
    if (in(a, 100, 64, 0, 0, 10)) {
      return SHARED;
    }
    if (in(a, 169, 254, 0, 0, 16)) {
      return LINK_LOCAL;
    }
    if (in(a, 224, 0, 0, 0, 4)) {
      return MULTICAST;
    }
    if (in(a, 240, 0, 0, 0, 4)) {
      return RESERVED;
    }
    return PUBLIC;
  }

  private static AddressClass ofV6(byte[] b) {
    if (Arrays.equals(b, METADATA_V6)) {
      return METADATA;
    }
    if (zeros(b, 0, 15)) {
      return b[15] == 0 ? UNSPECIFIED : b[15] == 1 ? LOOPBACK : ofV4(toInt(b, 12));
    }
    boolean mapped = zeros(b, 0, 10) && b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    // IPv4-translated, ::ffff:0:a.b.c.d (RFC 2765, SIIT): routed to a.b.c.d by a translator.
    boolean translated =
        zeros(b, 0, 8) && b[8] == (byte) 0xff && b[9] == (byte) 0xff && zeros(b, 10, 12);
    boolean compatible = zeros(b, 0, 12);
    boolean nat64 =
        b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && zeros(b, 4, 12);
    if (mapped || translated || compatible || nat64) {
      return ofV4(toInt(b, 12));
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      // 6to4, 2002:AABB:CCDD::/48 routes to the IPv4 address AA.BB.CC.DD.
      return ofV4(toInt(b, 2));
    }
    if (b[0] == 0
        && b[1] == 0x64
        && b[2] == (byte) 0xff
        && b[3] == (byte) 0x9b
        && b[4] == 0
        && b[5] == 1) {
      // 64:ff9b:1::/48, NAT64 for local use (RFC 8215): its IPv4 targets are site-specific.
      return PRIVATE;
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    if (first == 0xff) {
      return MULTICAST;
    }
    if (first == 0xfe && (second & 0xc0) == 0x80) {
      return LINK_LOCAL;
    }
    if (first == 0xfe && (second & 0xc0) == 0xc0) {
      return PRIVATE; // site-local, deprecated but still routed inside some networks
    }
    if ((first & 0xfe) == 0xfc) {
      return UNIQUE_LOCAL;
    }
    return PUBLIC;
  }

  private static boolean in(int address, int a, int b, int c, int d, int prefix) {
    int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
    return (address & mask) == (v4(a, b, c, d) & mask);
  }

  private static int v4(int a, int b, int c, int d) {
    return (a << 24) | (b << 16) | (c << 8) | d;
  }

  private static int toInt(byte[] b, int from) {
    return ((b[from] & 0xff) << 24)
        | ((b[from + 1] & 0xff) << 16)
        | ((b[from + 2] & 0xff) << 8)
        | (b[from + 3] & 0xff);
  }

  private static boolean zeros(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
