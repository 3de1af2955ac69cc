package io.credflow.outbound;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * The Jetty client's resolver: Jetty calls it for every new connection, and it hands Jetty only
 * addresses the {@link OutboundPolicy} checked, so the client connects to exactly what was checked
 * (no second lookup that a rebinding DNS server could answer differently), while TLS still verifies
 * the host name. A refusal fails the connection, and with it every request waiting for it, with an
 * {@link OutboundRefusedException}.
 */
public final class GuardedSocketAddressResolver implements SocketAddressResolver {
  private final OutboundPolicy policy;
  private final Executor executor;

  /**
   * @param executor where lookups run: they block, so never on a selector thread
   */
  public GuardedSocketAddressResolver(OutboundPolicy policy, Executor executor) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  @Override
  public void resolve(
      String host,
      int port,
      Map<String, Object> context,
      Promise<List<InetSocketAddress>> promise) {
    try {
      executor.execute(() -> resolveNow(host, port, promise));
    } catch (RuntimeException rejected) {
      // The client is stopping: its executor takes no more work.
      promise.failed(rejected);
    }
  }

  private void resolveNow(String host, int port, Promise<List<InetSocketAddress>> promise) {
    List<InetSocketAddress> addresses;
    try {
      addresses =
          policy.check(host, port).stream()
              .map(address -> new InetSocketAddress(address, port))
              .toList();
    } catch (RuntimeException e) {
      promise.failed(e);
      return;
    }
    promise.succeeded(addresses);
  }
}
