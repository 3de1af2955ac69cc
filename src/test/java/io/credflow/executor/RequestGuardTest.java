package io.credflow.executor;

import static io.credflow.testing.ExecutorWorkspace.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.outbound.HostResolver;
import io.credflow.testing.Api;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.TestServer;
import io.credflow.testing.oauth.FakeOAuthProvider;
import io.credflow.testing.upstream.Upstream;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requirement 17 of docs/security.md through {@code POST /v2/workspaces/{ws}/requests}: on a
 * Credflow that refuses private networks, every way of writing a loopback, private or metadata
 * address, a name that resolves to one, and a redirect to one is answered 422 {@code
 * outbound_refused} with nothing sent there; one internal service on the {@code --allow-outbound}
 * list is reachable, on its port only, and cannot redirect anywhere else inside. With private
 * networks allowed, a redirect to the cloud metadata address is still refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestGuardTest {
  /** The internal service operators allowed ({@code api.partner.test} resolves to it). */
  private Upstream partner;

  /** Another service on loopback that nobody allowed. */
  private Upstream internal;

  private FakeOAuthProvider provider;
  private TestServer guarded;
  private TestServer permissive;
  private ExecutorWorkspace onGuarded;
  private ExecutorWorkspace onPermissive;

  @BeforeAll
  void start() {
    partner = Upstream.start();
    internal = Upstream.start();
    provider = FakeOAuthProvider.start();
    Map<String, String> names =
        Map.of(
            "api.partner.test", "127.0.0.1",
            "loopback.test", "127.0.0.1",
            "intranet.test", "10.0.0.9",
            "metadata.test", "169.254.169.254");
    HostResolver resolver =
        host -> {
          String address = names.get(host);
          if (address == null) {
            throw new UnknownHostException(host);
          }
          return List.of(InetAddress.getByName(address));
        };
    guarded =
        TestServer.start(
            false,
            Clock.systemUTC(),
            c ->
                c.allowPrivateNetwork(false)
                    .hostResolver(resolver)
                    // The provider's too: an auth-client's endpoints pass the guard when written.
                    .allowOutbound(
                        List.of(
                            "127.0.0.1:" + partner.port(),
                            "127.0.0.1:" + provider.baseUrl().getPort())));
    permissive = TestServer.h2();
    onGuarded = ExecutorWorkspace.create(guarded, provider, "guarded");
    onPermissive = ExecutorWorkspace.create(permissive, provider, "permissive");
  }

  @AfterAll
  void stop() {
    guarded.close();
    permissive.close();
    provider.close();
    partner.close();
    internal.close();
  }

  @BeforeEach
  void clear() {
    partner.clear();
    internal.clear();
  }

  private static void assertRefused(Api.Response r, String... inDetail) {
    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.error().path("code").asText()).as(r.text()).isEqualTo("outbound_refused");
    assertThat(r.error().path("detail").asText()).contains(inDetail);
    // The member that named the address: the url, directly or through a redirect it led to.
    assertThat(r.error().path("source").path("pointer").asText())
        .isEqualTo("/data/attributes/config/reader/url");
  }

  @Test
  void aRequestThatDoesNotVerifyCertificatesIsGuardedAllTheSame() {
    Map<String, Object> config = get("https://127.0.0.1:" + internal.port() + "/echo/tls");
    config.put("noStrictSSL", true);
    assertRefused(
        onGuarded.send(config, null, onGuarded.noauth()), "refused to connect to 127.0.0.1");
    assertThat(internal.requests()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://2130706433:PORT/echo/decimal",
        "http://0x7f.1:PORT/echo/hex",
        "http://0177.0.0.1:PORT/echo/octal",
        "http://127.1:PORT/echo/short",
        "http://[::ffff:127.0.0.1]:PORT/echo/mapped",
        "http://127.0.0.1:PORT/echo/dotted",
        "http://loopback.test:PORT/echo/name",
        "http://api.partner.test:PORT/echo/allowed-name-other-port"
      })
  void aLoopbackDestinationInAnySpellingIsRefusedAndNothingArrives(String template) {
    String url = template.replace("PORT", Integer.toString(internal.port()));
    Api.Response r = onGuarded.send(get(url), null, onGuarded.noauth());
    assertRefused(r, "refused to connect to 127.0.0.1 (loopback");
    assertThat(internal.requests()).isEmpty();
  }

  @Test
  void aRefusalSaysHowToAllowExactlyThatDestination() {
    for (String host : List.of("127.0.0.1", "api.partner.test")) {
      String url = "http://" + host + ":" + internal.port() + "/echo/x";
      assertRefused(
          onGuarded.send(get(url), null, onGuarded.noauth()),
          "start it with --allow-private-network to allow them, or with --allow-outbound 127.0.0.1:"
              + internal.port()
              + " to allow this one");
    }
    assertThat(internal.requests()).isEmpty();
  }

  @Test
  void aNameThatResolvesToAPrivateAddressIsRefusedBeforeConnecting() {
    Api.Response r =
        onGuarded.send(get("http://intranet.test:8080/admin"), null, onGuarded.noauth());
    assertRefused(r, "refused to connect to 10.0.0.9 (private, from \"intranet.test\")");
  }

  @Test
  void theMetadataAddressIsRefusedByAddressAndByName() {
    assertRefused(
        onGuarded.send(get("http://169.254.169.254/latest/meta-data"), null, onGuarded.noauth()),
        "169.254.169.254 (cloud metadata)",
        "always refused");
    assertRefused(
        onGuarded.send(get("http://metadata.test/latest/meta-data"), null, onGuarded.noauth()),
        "169.254.169.254 (cloud metadata, from \"metadata.test\")");
  }

  @Test
  void theAllowedServiceIsReachableByNameAndByAddressOnItsPort() {
    for (String host : List.of("api.partner.test", "127.0.0.1")) {
      String url = "http://" + host + ":" + partner.port() + "/echo/allowed";
      Api.Response r = onGuarded.send(get(url), null, onGuarded.basic());
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.attributes().path("responseBody").path("path").asText())
          .isEqualTo("/echo/allowed");
    }
    assertThat(partner.count("/echo/allowed")).isEqualTo(2);
    assertThat(partner.last().header("Host")).containsExactly("127.0.0.1:" + partner.port());
  }

  @Test
  void aRedirectFromTheAllowedServiceToAnotherLoopbackServiceIsRefused() {
    String target = "http://127.0.0.1:" + internal.port() + "/echo/inside";
    String url =
        "http://api.partner.test:"
            + partner.port()
            + "/redirect-to?url="
            + URLEncoder.encode(target, StandardCharsets.UTF_8);

    Api.Response r = onGuarded.send(get(url), null, onGuarded.basic());

    assertRefused(
        r, "the url redirected (1 redirect) to http://127.0.0.1:", "to 127.0.0.1 (loopback)");
    assertThat(partner.requests()).hasSize(1);
    assertThat(internal.requests()).isEmpty();
  }

  @Test
  void aRedirectToANameOfALoopbackServiceIsRefusedWhenItsConnectionOpens() {
    String target = "http://loopback.test:" + internal.port() + "/echo/inside";
    String url =
        "http://api.partner.test:"
            + partner.port()
            + "/redirect-to?status=307&url="
            + URLEncoder.encode(target, StandardCharsets.UTF_8);

    Api.Response r = onGuarded.send(get(url), null, onGuarded.noauth());

    assertRefused(r, "(loopback, from \"loopback.test\")");
    assertThat(partner.requests()).hasSize(1);
    assertThat(internal.requests()).isEmpty();
  }

  @Test
  void withPrivateNetworksAllowedARedirectToTheMetadataAddressIsStillRefused() {
    for (String target :
        List.of("http://169.254.169.254/latest/meta-data", "http://[::ffff:a9fe:a9fe]/latest")) {
      String url =
          partner.url("/redirect-to?url=" + URLEncoder.encode(target, StandardCharsets.UTF_8));
      Api.Response r = onPermissive.send(get(url), null, onPermissive.basic());
      assertRefused(r, "169.254.169.254 (cloud metadata", "always refused");
    }
    // Each call reached the service that redirected, and went no further.
    assertThat(partner.requests()).hasSize(2);
  }
}
