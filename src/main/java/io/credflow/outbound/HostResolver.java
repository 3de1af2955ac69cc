package io.credflow.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a host name into addresses. {@link OutboundPolicy} calls it once per connection and checks
 * every address it returns; tests substitute their own to make a name resolve anywhere.
 */
@FunctionalInterface
public interface HostResolver {
  /** The system resolver (DNS, hosts file). */
  HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  /** Every address of {@code host}; never empty. */
  List<InetAddress> resolve(String host) throws UnknownHostException;
}
