package io.credflow.outbound;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where Credflow may connect (docs/security.md, requirement 17). Link-local, cloud metadata,
 * unspecified, multicast, broadcast and reserved addresses are always refused; loopback, private
 * (RFC 1918), carrier-grade NAT and unique-local ones unless the server runs with {@code
 * --allow-private-network}, or when the exact address and port are {@linkplain AllowedDestination
 * allowed} ({@code --allow-outbound}: one internal service, not the whole network). A name is
 * resolved once per check, and refused when any of its addresses is: a name that answers both
 * public and private addresses is a rebinding trick.
 *
 * @param allowPrivateNetwork whether loopback and private ranges may be called (demo mode, tests)
 * @param resolver how names become addresses; {@link HostResolver#SYSTEM} outside tests
 * @param allowed loopback or private destinations that may be called although {@code
 *     allowPrivateNetwork} is off
 */
public record OutboundPolicy(
    boolean allowPrivateNetwork, HostResolver resolver, Set<AllowedDestination> allowed) {
  private static final int MAX_QUOTED = 100;

  /** No port known: the allowlist cannot match. */
  private static final int NO_PORT = -1;

  public OutboundPolicy {
    Objects.requireNonNull(resolver, "resolver");
    allowed = Set.copyOf(allowed);
  }

  /** A policy without an allowlist. */
  public OutboundPolicy(boolean allowPrivateNetwork, HostResolver resolver) {
    this(allowPrivateNetwork, resolver, Set.of());
  }

  /** A policy that resolves names with the system resolver. */
  public static OutboundPolicy of(boolean allowPrivateNetwork) {
    return new OutboundPolicy(allowPrivateNetwork, HostResolver.SYSTEM);
  }

  /**
   * {@link #check(String, int)} when the port is not known: the allowlist does not apply.
   *
   * @throws OutboundRefusedException as {@link #check(String, int)}
   */
  public List<InetAddress> check(String host) {
    return check(host, NO_PORT);
  }

  /**
   * The addresses Credflow may connect to for {@code host} on {@code port}: the address an IP
   * literal spells (in any of its forms, see {@link IpLiterals}), or every address the name
   * resolves to, resolved once, here.
   *
   * @throws OutboundRefusedException when any address is refused ({@link
   *     OutboundRefusedException#REFUSED}) or the name does not resolve ({@link
   *     OutboundRefusedException#HOST_NOT_FOUND})
   */
  public List<InetAddress> check(String host, int port) {
    if (host == null || host.isBlank()) {
      throw OutboundRefusedException.refused("the URL has no host: name the host to call");
    }
    Optional<InetAddress> literal = IpLiterals.parse(host);
    List<InetAddress> addresses;
    if (literal.isPresent()) {
      addresses = List.of(literal.get());
    } else {
      try {
        addresses = resolver.resolve(host);
      } catch (UnknownHostException e) {
        throw OutboundRefusedException.hostNotFound(host);
      }
      if (addresses == null || addresses.isEmpty()) {
        throw OutboundRefusedException.hostNotFound(host);
      }
    }
    for (InetAddress address : addresses) {
      refuseIfForbidden(host, address, port);
    }
    return List.copyOf(addresses);
  }

  /**
   * Checks what can be checked without a lookup: an absolute {@code http} or {@code https} URL with
   * a host, no user information, a valid port, and a host that is either a name (resolved and
   * checked when the connection is opened) or an address that is not refused.
   *
   * @throws OutboundRefusedException when the URL cannot be called
   */
  public void checkUrl(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw OutboundRefusedException.refused(
          "only absolute http:// and https:// URLs can be called, "
              + (scheme.isEmpty() ? "this one has no scheme" : "not " + quoted(scheme) + " ones"));
    }
    if (uri.isOpaque() || uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
      throw OutboundRefusedException.refused(
          "the URL has no host: write it as " + scheme + "://host/path");
    }
    if (uri.getRawUserInfo() != null || uri.getRawAuthority().contains("@")) {
      throw OutboundRefusedException.refused(
          "URLs with user information (user:password@host) are refused: send credentials in a"
              + " header instead");
    }
    String host = uri.getHost();
    if (host == null) {
      refuseUnusableHost(hostOf(uri.getRawAuthority()));
      return;
    }
    if (uri.getPort() > 65535) {
      throw OutboundRefusedException.refused(
          "the port " + uri.getPort() + " is not a TCP port: use 1 to 65535");
    }
    Optional<InetAddress> literal = IpLiterals.parse(host);
    if (literal.isPresent()) {
      int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
      refuseIfForbidden(host, literal.get(), port);
    }
  }

  /**
   * A host {@link URI} did not accept (it takes neither {@code 0x7f.1} nor {@code a_b.example}):
   * refused with the address's class when it spells a refused address, else as unusable.
   */
  private void refuseUnusableHost(String host) {
    if (host.isEmpty()) {
      throw OutboundRefusedException.refused("the URL has no host: name the host to call");
    }
    Optional<InetAddress> literal = IpLiterals.parse(host);
    if (literal.isPresent()) {
      refuseIfForbidden(host, literal.get(), NO_PORT);
      throw OutboundRefusedException.refused(
          "the host "
              + quoted(host)
              + " is an unusual way to write "
              + IpLiterals.text(literal.get())
              + ": write it as "
              + IpLiterals.text(literal.get()));
    }
    throw OutboundRefusedException.refused(
        "the host "
            + quoted(host)
            + " is not a valid host name: use letters, digits, hyphens and dots");
  }

  /** The host in a URL authority without user information: bracketed IPv6, or up to the port. */
  private static String hostOf(String authority) {
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      return close < 0 ? authority : authority.substring(0, close + 1);
    }
    int colon = authority.lastIndexOf(':');
    return colon < 0 ? authority : authority.substring(0, colon);
  }

  private void refuseIfForbidden(String host, InetAddress address, int port) {
    AddressClass kind = AddressClass.of(address);
    String text = IpLiterals.text(address);
    String what =
        "refused to connect to "
            + text
            + " ("
            + kind.label()
            + (stripBrackets(host).equalsIgnoreCase(text) ? "" : ", from " + quoted(host))
            + "): ";
    switch (kind.rule()) {
      case ALLOWED -> {}
      case PRIVATE -> {
        if (!allowPrivateNetwork && !isAllowed(address, port)) {
          throw OutboundRefusedException.refused(
              what
                  + "this server does not allow private networks; start it with"
                  + " --allow-private-network to allow them"
                  + (port < 1 || port > 65535
                      ? ""
                      : ", or with --allow-outbound "
                          + new AllowedDestination(address, port)
                          + " to allow this one"));
        }
      }
      case NEVER ->
          throw OutboundRefusedException.refused(
              what + "it is " + article(kind.label()) + " address and is always refused");
    }
  }

  private boolean isAllowed(InetAddress address, int port) {
    return allowed.stream().anyMatch(destination -> destination.matches(address, port));
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  static String article(String label) {
    return ("aeiou".indexOf(label.charAt(0)) >= 0 ? "an " : "a ") + label;
  }

  /** Text from a URL, quoted for a message: printable ASCII only, and not too long. */
  static String quoted(String text) {
    String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
    if (printable.length() > MAX_QUOTED) {
      printable = printable.substring(0, MAX_QUOTED) + "…";
    }
    return "\"" + printable + "\"";
  }
}
