package io.credflow.outbound;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One internal service an operator lets Credflow call although its address is loopback or private
 * ({@code --allow-outbound 10.0.0.5:8443}), like GitLab's local requests allowlist. It matches a
 * connection to exactly this address (a URL's literal, or what its host name resolves to) and this
 * port, nothing wider: no range, no other port. Link-local, metadata and the other always-refused
 * classes cannot be allowed.
 *
 * <p>An entry names an address, not a host name: the guard checks the addresses a name resolves to,
 * so an allowed name would let whoever controls its DNS point it anywhere inside.
 */
public record AllowedDestination(InetAddress address, int port) {
  public AllowedDestination {
    Objects.requireNonNull(address, "address");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1 to 65535, was " + port);
    }
  }

  /**
   * Reads {@code IP:PORT} ({@code 10.0.0.5:8443}, {@code [fd00::5]:443}).
   *
   * @throws IllegalArgumentException with a message that says how to write it
   */
  public static AllowedDestination parse(String text) {
    String entry = text == null ? "" : text.strip();
    String shown = OutboundPolicy.quoted(entry);
    String how = ": write an IP address and a port, like 10.0.0.5:8443 or [fd00::5]:443";
    int colon = entry.lastIndexOf(':');
    if (!entry.startsWith("[") && colon != entry.indexOf(':')) {
      throw new IllegalArgumentException(shown + " needs its IPv6 address in brackets" + how);
    }
    if (colon < 0 || colon < entry.indexOf(']')) {
      throw new IllegalArgumentException(shown + " has no port" + how);
    }
    String host = entry.substring(0, colon);
    String portText = entry.substring(colon + 1);
    int port;
    try {
      port = portText.chars().allMatch(c -> c >= '0' && c <= '9') ? Integer.parseInt(portText) : -1;
    } catch (NumberFormatException tooLong) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          shown + " has no valid port (1 to 65535) after the last colon" + how);
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException(shown + " has no IP address before the port" + how);
    }
    Optional<InetAddress> address;
    try {
      address = IpLiterals.parse(host);
    } catch (OutboundRefusedException notAnAddress) {
      throw new IllegalArgumentException(shown + " does not start with a valid IP address" + how);
    }
    if (address.isEmpty()) {
      throw new IllegalArgumentException(
          shown
              + " names a host, not an address"
              + how
              + " (Credflow checks the addresses a name resolves to, so the allowlist holds"
              + " addresses)");
    }
    AddressClass kind = AddressClass.of(address.get());
    if (kind.rule() == AddressClass.Rule.NEVER) {
      throw new IllegalArgumentException(
          shown
              + " is "
              + OutboundPolicy.article(kind.label())
              + " address, which Credflow always refuses and cannot be allowed");
    }
    return new AllowedDestination(address.get(), port);
  }

  /** Whether a connection to {@code candidate} on {@code port} is this destination. */
  boolean matches(InetAddress candidate, int candidatePort) {
    return candidatePort == port && Arrays.equals(canonical(candidate), canonical(address));
  }

  /** The address's bytes, an IPv4-mapped IPv6 address as the IPv4 address it carries. */
  private static byte[] canonical(InetAddress address) {
    byte[] b = address.getAddress();
    boolean mapped = b.length == 16 && b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    for (int i = 0; mapped && i < 10; i++) {
      mapped = b[i] == 0;
    }
    return mapped ? Arrays.copyOfRange(b, 12, 16) : b;
  }

  /** {@code 10.0.0.5:8443}, {@code [fd00::5]:443}: how the flag takes it. */
  @Override
  public String toString() {
    String text = IpLiterals.text(address);
    return (text.contains(":") ? "[" + text + "]" : text) + ":" + port;
  }
}
