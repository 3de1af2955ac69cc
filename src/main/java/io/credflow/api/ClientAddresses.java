package io.credflow.api;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which address a request comes from, for limits per client address. The peer of the connection,
 * unless that peer is a trusted proxy ({@code --trusted-proxy}): then the nearest address in {@code
 * X-Forwarded-For} that is not one of the trusted proxies, read from the right, since everything
 * left of what a trusted proxy appended is whatever the client chose to send. Without trusted
 * proxies the header is ignored: anyone can send it.
 *
 * <p>IPv6 clients are counted per /64, the smallest block a site usually gets: one host can pick
 * any address in it.
 */
public final class ClientAddresses {
  /** Trusts no proxy: the peer's address is the client's. */
  public static final ClientAddresses DIRECT = new ClientAddresses(List.of(), List.of());

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final List<Block> trusted;
  private final List<String> entries;

  private ClientAddresses(List<Block> trusted, List<String> entries) {
    this.trusted = List.copyOf(trusted);
    this.entries = List.copyOf(entries);
  }

  /** An address and the number of leading bits that must match. */
  private record Block(byte[] address, int bits) {
    boolean contains(InetAddress a) {
      byte[] other = a.getAddress();
      if (other.length != address.length) {
        return false;
      }
      int whole = bits / 8;
      if (!Arrays.equals(address, 0, whole, other, 0, whole)) {
        return false;
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[whole] & mask) == (other[whole] & mask);
    }
  }

  /**
   * Trusted proxies, each an IP address or a CIDR block ({@code 10.0.0.7}, {@code 10.0.0.0/8},
   * {@code fd00::/8}).
   *
   * @throws IllegalArgumentException naming the entry that is neither
   */
  public static ClientAddresses trusting(List<String> proxies) {
    if (proxies.isEmpty()) {
      return DIRECT;
    }
    List<Block> blocks = new ArrayList<>();
    for (String entry : proxies) {
      String e = entry.strip();
      int slash = e.indexOf('/');
      InetAddress address =
          literal(slash < 0 ? e : e.substring(0, slash))
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "\""
                              + entry
                              + "\" is not an IP address or CIDR block (like 10.0.0.7 or"
                              + " 10.0.0.0/8); host names are not resolved"));
      int max = address.getAddress().length * 8;
      int bits = max;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(e.substring(slash + 1));
        } catch (NumberFormatException ex) {
          bits = -1;
        }
        if (bits < 0 || bits > max) {
          throw new IllegalArgumentException(
              "\"" + entry + "\" has a prefix length outside 0.." + max);
        }
      }
      blocks.add(new Block(address.getAddress(), bits));
    }
    return new ClientAddresses(blocks, proxies.stream().map(String::strip).toList());
  }

  @Override
  public String toString() {
    return "trusted proxies " + entries;
  }

  /** Whether any proxy is trusted. */
  public boolean trustsProxies() {
    return !trusted.isEmpty();
  }

  /**
   * The client's address (as a limit's key) for a request from {@code peer} carrying the {@code
   * X-Forwarded-For} header values {@code forwardedFor}.
   */
  String of(String peer, List<String> forwardedFor) {
    InetAddress client = literal(peer).orElse(null);
    if (client == null) {
      return peer;
    }
    if (isTrusted(client) && !forwardedFor.isEmpty()) {
      List<String> hops = new ArrayList<>();
      for (String value : forwardedFor) {
        for (String hop : value.split(",")) {
          hops.add(hop.strip());
        }
      }
      for (int i = hops.size() - 1; i >= 0; i--) {
        InetAddress hop = literal(hops.get(i)).orElse(null);
        if (hop == null) {
          break; // not an address a proxy of ours wrote: stay with the last one that was
        }
        client = hop;
        if (!isTrusted(hop)) {
          break;
        }
      }
    }
    return key(client);
  }

  private boolean isTrusted(InetAddress a) {
    return trusted.stream().anyMatch(b -> b.contains(a));
  }

  private static String key(InetAddress a) {
    if (a instanceof Inet6Address) {
      byte[] prefix = Arrays.copyOf(a.getAddress(), 16);
      Arrays.fill(prefix, 8, 16, (byte) 0);
      try {
        return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
      } catch (UnknownHostException e) {
        throw new IllegalStateException("16 bytes are an IPv6 address", e);
      }
    }
    return a.getHostAddress();
  }

  /** The address {@code text} spells, never looked up by name. */
  private static java.util.Optional<InetAddress> literal(String text) {
    String t = text.strip();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    int zone = t.indexOf('%');
    if (zone >= 0) {
      t = t.substring(0, zone);
    }
    if (!IPV4.matcher(t).matches() && !IPV6.matcher(t).matches()) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(InetAddress.getByName(t));
    } catch (UnknownHostException e) {
      return java.util.Optional.empty();
    }
  }
}
