package io.credflow.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.credflow.common.CredflowException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requirement 17 of docs/security.md, address by address: every literal form browsers, curl and
 * inet_aton accept is read as the address it spells, classed, and allowed or refused under both
 * settings of {@code --allow-private-network}. Names go through a test resolver, which literals
 * never reach.
 */
class OutboundPolicyTest {
  private static final String PRIVATE_ADVICE =
      "this server does not allow private networks; start it with --allow-private-network to"
          + " allow them";

  /** Names the tests use, and what they resolve to. */
  private static final Map<String, List<String>> NAMES =
      Map.of(
          "public.example", List.of("93.184.216.34"),
          "internal.example", List.of("10.0.0.7"),
          "metadata.example", List.of("169.254.169.254"),
          "split.example", List.of("93.184.216.34", "127.0.0.1"),
          "v6.example", List.of("2606:4700:4700::1111", "fd12::1"),
          "pair.example", List.of("10.0.0.7", "10.0.0.8"),
          "1.2.3.example", List.of("93.184.216.34"));

  private final List<String> lookedUp = Collections.synchronizedList(new ArrayList<>());

  private final HostResolver names =
      host -> {
        lookedUp.add(host);
        List<String> answers = NAMES.get(host);
        if (answers == null) {
          throw new UnknownHostException(host);
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (String a : answers) {
          addresses.add(InetAddress.getByName(a));
        }
        return addresses;
      };

  private OutboundPolicy policy(boolean allowPrivate) {
    return new OutboundPolicy(allowPrivate, names);
  }

  @ParameterizedTest(name = "{0} is {1} ({2}): {3} by default, {4} with private networks allowed")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # host                     | address          | class             | default | private allowed
          127.0.0.1                  | 127.0.0.1        | loopback          | refused | allowed
          127.255.255.254            | 127.255.255.254  | loopback          | refused | allowed
          2130706433                 | 127.0.0.1        | loopback          | refused | allowed
          0x7f.1                     | 127.0.0.1        | loopback          | refused | allowed
          0X7F.0.0.1                 | 127.0.0.1        | loopback          | refused | allowed
          0x7f000001                 | 127.0.0.1        | loopback          | refused | allowed
          0177.0.0.1                 | 127.0.0.1        | loopback          | refused | allowed
          017700000001               | 127.0.0.1        | loopback          | refused | allowed
          127.1                      | 127.0.0.1        | loopback          | refused | allowed
          127.0.1                    | 127.0.0.1        | loopback          | refused | allowed
          127.0.0.1.                 | 127.0.0.1        | loopback          | refused | allowed
          [::1]                      | ::1              | loopback          | refused | allowed
          ::1                        | ::1              | loopback          | refused | allowed
          [0:0:0:0:0:0:0:1]          | ::1              | loopback          | refused | allowed
          [::ffff:127.0.0.1]         | 127.0.0.1        | loopback          | refused | allowed
          [::ffff:7f00:1]            | 127.0.0.1        | loopback          | refused | allowed
          [::127.0.0.1]              | ::7f00:1         | loopback          | refused | allowed
          [64:ff9b::127.0.0.1]       | 64:ff9b::7f00:1  | loopback          | refused | allowed
          [2002:7f00:1::1]           | 2002:7f00:1::1   | loopback          | refused | allowed
          [::ffff:0:127.0.0.1]       | ::ffff:0:7f00:1  | loopback          | refused | allowed
          [::ffff:0:7f00:1]          | ::ffff:0:7f00:1  | loopback          | refused | allowed
          10.0.0.7                   | 10.0.0.7         | private           | refused | allowed
          10.255.255.255             | 10.255.255.255   | private           | refused | allowed
          167772167                  | 10.0.0.7         | private           | refused | allowed
          172.16.0.1                 | 172.16.0.1       | private           | refused | allowed
          172.31.255.255             | 172.31.255.255   | private           | refused | allowed
          192.168.1.1                | 192.168.1.1      | private           | refused | allowed
          0xc0.0xa8.1.1              | 192.168.1.1      | private           | refused | allowed
          [::ffff:10.0.0.7]          | 10.0.0.7         | private           | refused | allowed
          [::ffff:0:10.0.0.7]        | ::ffff:0:a00:7   | private           | refused | allowed
          [64:ff9b::10.0.0.7]        | 64:ff9b::a00:7   | private           | refused | allowed
          [64:ff9b:1::1]             | 64:ff9b:1::1     | private           | refused | allowed
          [fec0::1]                  | fec0::1          | private           | refused | allowed
          100.64.0.1                 | 100.64.0.1       | carrier-grade NAT | refused | allowed
          100.127.255.255            | 100.127.255.255  | carrier-grade NAT | refused | allowed
          [fc00::1]                  | fc00::1          | unique local      | refused | allowed
          [fd12:3456::1]             | fd12:3456::1     | unique local      | refused | allowed
          169.254.169.254            | 169.254.169.254  | cloud metadata    | refused | refused
          0xa9fea9fe                 | 169.254.169.254  | cloud metadata    | refused | refused
          2852039166                 | 169.254.169.254  | cloud metadata    | refused | refused
          0251.0376.0251.0376        | 169.254.169.254  | cloud metadata    | refused | refused
          [::ffff:169.254.169.254]   | 169.254.169.254  | cloud metadata    | refused | refused
          [::ffff:0:169.254.169.254] | ::ffff:0:a9fe:a9fe | cloud metadata  | refused | refused
          [64:ff9b::a9fe:a9fe]       | 64:ff9b::a9fe:a9fe | cloud metadata  | refused | refused
          [fd00:ec2::254]            | fd00:ec2::254    | cloud metadata    | refused | refused
          100.100.100.200            | 100.100.100.200  | cloud metadata    | refused | refused
          168.63.129.16              | 168.63.129.16    | cloud metadata    | refused | refused
          169.254.1.1                | 169.254.1.1      | link-local        | refused | refused
          [fe80::1]                  | fe80::1          | link-local        | refused | refused
          [fe80::1%25eth0]           | fe80::1          | link-local        | refused | refused
          [febf::1]                  | febf::1          | link-local        | refused | refused
          0.0.0.0                    | 0.0.0.0          | unspecified       | refused | refused
          0                          | 0.0.0.0          | unspecified       | refused | refused
          0.1.2.3                    | 0.1.2.3          | unspecified       | refused | refused
          [::]                       | ::               | unspecified       | refused | refused
          224.0.0.1                  | 224.0.0.1        | multicast         | refused | refused
          239.255.255.250            | 239.255.255.250  | multicast         | refused | refused
          [ff02::1]                  | ff02::1          | multicast         | refused | refused
          255.255.255.255            | 255.255.255.255  | broadcast         | refused | refused
          4294967295                 | 255.255.255.255  | broadcast         | refused | refused
          240.0.0.1                  | 240.0.0.1        | reserved          | refused | refused
          250.1.2.3                  | 250.1.2.3        | reserved          | refused | refused
          8.8.8.8                    | 8.8.8.8          | public            | allowed | allowed
          134744072                  | 8.8.8.8          | public            | allowed | allowed
          0x8.0x8.0x8.0x8            | 8.8.8.8          | public            | allowed | allowed
          172.32.0.1                 | 172.32.0.1       | public            | allowed | allowed
          100.128.0.1                | 100.128.0.1      | public            | allowed | allowed
          169.255.0.1                | 169.255.0.1      | public            | allowed | allowed
          [2606:4700:4700::1111]     | 2606:4700:4700::1111 | public        | allowed | allowed
          [::ffff:8.8.8.8]           | 8.8.8.8          | public            | allowed | allowed
          [::ffff:0:8.8.8.8]         | ::ffff:0:808:808 | public            | allowed | allowed
          """)
  void checkWhenHostIsAnAddressThenItIsClassedAndRefusedAsItsClassRequires(
      String host, String address, String kind, String byDefault, String withPrivate)
      throws Exception {
    InetAddress expected = InetAddress.getByName(address);
    for (boolean allowPrivate : new boolean[] {false, true}) {
      boolean refused = (allowPrivate ? withPrivate : byDefault).equals("refused");
      OutboundPolicy policy = policy(allowPrivate);
      if (refused) {
        OutboundRefusedException e =
            catchThrowableOfType(OutboundRefusedException.class, () -> policy.check(host));
        assertThat(e).as("%s with private networks allowed=%s", host, allowPrivate).isNotNull();
        assertThat(e.code()).isEqualTo("outbound_refused");
        assertThat(e.getMessage())
            .startsWith("refused to connect to " + address + " (" + kind)
            .endsWith(
                kind.equals("loopback")
                        || kind.equals("private")
                        || kind.equals("carrier-grade NAT")
                        || kind.equals("unique local")
                    ? PRIVATE_ADVICE
                    : "address and is always refused");
      } else {
        assertThat(policy.check(host)).containsExactly(expected);
      }
    }
    assertThat(lookedUp).as("a literal is never looked up").isEmpty();
  }

  @Test
  void checkWhenRefusedThenTheMessageNamesAddressClassAndHostAndSaysWhatToDo() {
    assertThatThrownBy(() -> policy(false).check("0x7f.1"))
        .isInstanceOf(OutboundRefusedException.class)
        .isInstanceOf(CredflowException.class)
        .hasMessage(
            "refused to connect to 127.0.0.1 (loopback, from \"0x7f.1\"): this server does not"
                + " allow private networks; start it with --allow-private-network to allow them");
    assertThatThrownBy(() -> policy(true).check("169.254.169.254"))
        .hasMessage(
            "refused to connect to 169.254.169.254 (cloud metadata): it is a cloud metadata"
                + " address and is always refused");
    assertThatThrownBy(() -> policy(true).check("[fe80::1]"))
        .hasMessage(
            "refused to connect to fe80::1 (link-local): it is a link-local address and is always"
                + " refused");
    assertThat(OutboundRefusedException.STATUS).isEqualTo(422);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "256.1.1.1",
        "1.2.3.4.5",
        "1.2.3.256",
        "1.2.65536",
        "4294967296",
        "0x100000000",
        "08.1.1.1",
        "0x7g.1",
        "example.123",
        "example.0x1f",
        "[127.0.0.1]",
        "[::1",
        "::gg",
        "1:2:3:4:5:6:7:8:9"
      })
  void checkWhenHostLooksLikeAnAddressButIsNoneThenItIsRefusedWithoutALookup(String host) {
    for (boolean allowPrivate : new boolean[] {false, true}) {
      assertThatThrownBy(() -> policy(allowPrivate).check(host))
          .isInstanceOf(OutboundRefusedException.class)
          .hasMessageContaining("is not a valid IP address")
          .extracting(e -> ((OutboundRefusedException) e).code())
          .isEqualTo("outbound_refused");
    }
    assertThat(lookedUp).isEmpty();
  }

  @Test
  void checkWhenANameResolvesToAPrivateAddressThenItIsRefusedNamingTheName() {
    assertThatThrownBy(() -> policy(false).check("internal.example"))
        .hasMessage(
            "refused to connect to 10.0.0.7 (private, from \"internal.example\"): "
                + PRIVATE_ADVICE);
    assertThat(policy(true).check("internal.example"))
        .extracting(InetAddress::getHostAddress)
        .containsExactly("10.0.0.7");
    assertThatThrownBy(() -> policy(true).check("metadata.example"))
        .hasMessageStartingWith(
            "refused to connect to 169.254.169.254 (cloud metadata, from \"metadata.example\")");
    assertThat(lookedUp)
        .containsExactly("internal.example", "internal.example", "metadata.example");
  }

  @Test
  void checkWhenANameAnswersPublicAndPrivateAddressesThenItIsRefusedAsAWhole() {
    assertThatThrownBy(() -> policy(false).check("split.example"))
        .hasMessageStartingWith(
            "refused to connect to 127.0.0.1 (loopback, from \"split.example\")");
    assertThatThrownBy(() -> policy(false).check("v6.example"))
        .hasMessageStartingWith(
            "refused to connect to fd12::1 (unique local, from \"v6.example\")");
    assertThat(policy(true).check("split.example"))
        .extracting(InetAddress::getHostAddress)
        .containsExactly("93.184.216.34", "127.0.0.1");
  }

  @Test
  void checkWhenANameIsResolvedThenItIsLookedUpOnceAndItsAddressesAreReturned() {
    assertThat(policy(false).check("public.example"))
        .extracting(InetAddress::getHostAddress)
        .containsExactly("93.184.216.34");
    // Ends in a label that is not a number: a name, not an address.
    assertThat(policy(false).check("1.2.3.example")).hasSize(1);
    assertThat(lookedUp).containsExactly("public.example", "1.2.3.example");
  }

  @Test
  void checkWhenAResolverAnswersAnIpv4MappedIpv6AddressThenItIsClassedByItsIpv4Address()
      throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 127;
    mapped[15] = 1;
    InetAddress sneaky = Inet6Address.getByAddress(null, mapped, -1);
    OutboundPolicy policy = new OutboundPolicy(false, host -> List.of(sneaky));
    assertThatThrownBy(() -> policy.check("mapped.example"))
        .hasMessageStartingWith("refused to connect to")
        .hasMessageContaining("(loopback, from \"mapped.example\")");
  }

  @Test
  void checkWhenTheNameDoesNotResolveThenHostNotFoundSaysToCheckTheName() {
    OutboundRefusedException e =
        catchThrowableOfType(
            OutboundRefusedException.class, () -> policy(false).check("missing.example"));
    assertThat(e.code()).isEqualTo("host_not_found");
    assertThat(e.hostNotFound()).isTrue();
    assertThat(e.getMessage())
        .isEqualTo(
            "the host \"missing.example\" could not be resolved: check the host name in the URL");
    OutboundPolicy empty = new OutboundPolicy(false, host -> List.of());
    assertThat(catchThrowableOfType(OutboundRefusedException.class, () -> empty.check("x.example")))
        .extracting(OutboundRefusedException::code)
        .isEqualTo("host_not_found");
    assertThatThrownBy(() -> policy(true).check(""))
        .isInstanceOf(OutboundRefusedException.class)
        .hasMessageContaining("no host");
  }

  // ---- URLs ----

  @Test
  void checkUrlWhenTheUrlIsPlainHttpOrHttpsToANameThenItPassesWithoutALookup() {
    policy(false).checkUrl(URI.create("https://api.example.com/v1/items?page=2"));
    policy(false).checkUrl(URI.create("http://api.example.com:8080"));
    policy(false).checkUrl(URI.create("HTTPS://8.8.8.8/"));
    policy(true).checkUrl(URI.create("http://127.0.0.1:8080/token"));
    policy(true).checkUrl(URI.create("http://[::1]:8080/token"));
    assertThat(lookedUp).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          ftp://example.com/file                  | only absolute http:// and https:// URLs
          file:///etc/passwd                      | only absolute http:// and https:// URLs
          /relative/path                          | this one has no scheme
          mailto:someone@example.com              | only absolute http:// and https:// URLs
          http:opaque                             | the URL has no host
          http:///path                            | the URL has no host
          http://user:hunter2@example.com/        | user information
          http://user@example.com/                | user information
          http://127.0.0.1:8080/                  | (loopback): this server does not allow private
          http://0x7f.1:8080/                     | 127.0.0.1 (loopback, from "0x7f.1")
          http://127.1/                           | 127.0.0.1 (loopback, from "127.1")
          http://2130706433/                      | 127.0.0.1 (loopback, from "2130706433")
          http://[::ffff:127.0.0.1]/              | 127.0.0.1 (loopback, from "[::ffff:127.0.0.1]")
          http://169.254.169.254/latest/meta-data | (cloud metadata)
          http://0x08.8.8.8/                      | is an unusual way to write 8.8.8.8: write it as 8.8.8.8
          http://a_b.example/                     | is not a valid host name
          http://256.1.1.1/                       | is not a valid IP address
          """)
  void checkUrlWhenTheUrlCannotBeCalledThenItIsRefusedSayingWhy(String url, String why) {
    OutboundRefusedException e =
        catchThrowableOfType(
            OutboundRefusedException.class, () -> policy(false).checkUrl(URI.create(url)));
    assertThat(e).as(url).isNotNull();
    assertThat(e.code()).isEqualTo("outbound_refused");
    assertThat(e.getMessage()).contains(why).doesNotContain("hunter2");
    assertThat(lookedUp).isEmpty();
  }

  @Test
  void checkUrlWhenPrivateNetworksAreAllowedThenMetadataIsStillRefused() {
    assertThatThrownBy(
            () -> policy(true).checkUrl(URI.create("http://169.254.169.254/latest/meta-data")))
        .hasMessageContaining("always refused");
    assertThatThrownBy(() -> policy(true).checkUrl(URI.create("http://0xa9fea9fe/")))
        .hasMessageContaining("(cloud metadata, from \"0xa9fea9fe\")");
  }

  @Test
  void aboutWhenGivenWhatWasCalledThenItLeadsTheMessageAndKeepsTheCode() {
    OutboundRefusedException e =
        catchThrowableOfType(OutboundRefusedException.class, () -> policy(false).check("10.1.2.3"));
    OutboundRefusedException led = e.about("the token endpoint of auth-client ac_1");
    assertThat(led.code()).isEqualTo("outbound_refused");
    assertThat(led.getMessage())
        .isEqualTo(
            "the token endpoint of auth-client ac_1: refused to connect to 10.1.2.3 (private): "
                + PRIVATE_ADVICE);
  }

  // ---- the allowlist (--allow-outbound) ----

  private OutboundPolicy allowing(String... entries) {
    return new OutboundPolicy(
        false,
        names,
        java.util.Arrays.stream(entries)
            .map(AllowedDestination::parse)
            .collect(java.util.stream.Collectors.toSet()));
  }

  @Test
  void checkWhenTheExactAddressAndPortAreAllowedThenOnlyThatDestinationPasses() throws Exception {
    OutboundPolicy policy = allowing("10.0.0.7:8443", "127.0.0.1:9000");
    assertThat(policy.check("10.0.0.7", 8443)).containsExactly(InetAddress.getByName("10.0.0.7"));
    assertThat(policy.check("internal.example", 8443))
        .as("a name is matched by the address it resolves to")
        .containsExactly(InetAddress.getByName("10.0.0.7"));
    assertThat(policy.check("0x7f.1", 9000)).containsExactly(InetAddress.getByName("127.0.0.1"));
    assertThat(policy.check("[::ffff:127.0.0.1]", 9000)).hasSize(1);

    assertThatThrownBy(() -> policy.check("10.0.0.7", 8444))
        .as("another port")
        .hasMessageContaining("(private)");
    assertThatThrownBy(() -> policy.check("10.0.0.8", 8443))
        .as("a neighbour")
        .hasMessageContaining("(private)");
    assertThatThrownBy(() -> policy.check("127.0.0.2", 9000)).hasMessageContaining("(loopback)");
    assertThatThrownBy(() -> policy.check("10.0.0.7"))
        .as("no port known")
        .hasMessageEndingWith(PRIVATE_ADVICE);
    assertThat(policy.check("split.example", 9000))
        .as("every address is public or allowed")
        .hasSize(2);
    assertThatThrownBy(() -> policy.check("pair.example", 8443))
        .as("one address allowed does not let a name's other private address through")
        .hasMessageStartingWith("refused to connect to 10.0.0.8 (private, from \"pair.example\")");
  }

  @Test
  void checkWhenAResolverAnswersTheAllowedIpv4AsMappedIpv6ThenItIsTheSameDestination()
      throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 10;
    mapped[15] = 7;
    InetAddress v6 = Inet6Address.getByAddress(null, mapped, -1);
    OutboundPolicy policy =
        new OutboundPolicy(
            false, host -> List.of(v6), java.util.Set.of(AllowedDestination.parse("10.0.0.7:80")));
    assertThat(policy.check("mapped.example", 80)).containsExactly(v6);
    assertThatThrownBy(() -> policy.check("mapped.example", 81))
        .isInstanceOf(OutboundRefusedException.class);
  }

  @Test
  void checkUrlWhenALiteralIsAllowedThenItsPortOrTheSchemesDefaultMustMatch() {
    OutboundPolicy policy = allowing("10.0.0.7:8443", "10.0.0.9:80", "[fd00::5]:443");
    policy.checkUrl(URI.create("http://10.0.0.7:8443/v1"));
    policy.checkUrl(URI.create("http://10.0.0.9/v1"));
    policy.checkUrl(URI.create("https://[fd00::5]/v1"));
    policy.checkUrl(URI.create("https://[fd00:0::5]:443/v1"));
    assertThatThrownBy(() -> policy.checkUrl(URI.create("http://10.0.0.7/v1")))
        .hasMessageContaining("--allow-outbound 10.0.0.7:80 to allow this one");
    assertThatThrownBy(() -> policy.checkUrl(URI.create("https://10.0.0.9/v1")))
        .hasMessageContaining("--allow-outbound 10.0.0.9:443");
    assertThatThrownBy(() -> policy.checkUrl(URI.create("http://[fd00::5]/v1")))
        .hasMessageContaining("--allow-outbound [fd00::5]:80");
    assertThat(lookedUp).isEmpty();
  }

  @Test
  void checkWhenRefusedWithAKnownPortThenTheMessageOffersTheNarrowAllowance() {
    assertThatThrownBy(() -> policy(false).check("internal.example", 8443))
        .hasMessage(
            "refused to connect to 10.0.0.7 (private, from \"internal.example\"): this server does"
                + " not allow private networks; start it with --allow-private-network to allow"
                + " them, or with --allow-outbound 10.0.0.7:8443 to allow this one");
  }

  @Test
  void checkUrlWhenThePortIsZeroThenTheRefusalOffersNoAllowance() {
    assertThatThrownBy(() -> policy(false).checkUrl(URI.create("http://10.0.0.7:0/")))
        .isInstanceOf(OutboundRefusedException.class)
        .hasMessageEndingWith(PRIVATE_ADVICE);
  }

  @Test
  void checkWhenAnAlwaysRefusedAddressIsOnTheListAnywayThenItIsStillRefused() throws Exception {
    // parse() refuses such entries; a policy built around it still never calls them.
    OutboundPolicy policy =
        new OutboundPolicy(
            true,
            names,
            java.util.Set.of(
                new AllowedDestination(InetAddress.getByName("169.254.169.254"), 80),
                new AllowedDestination(InetAddress.getByName("fe80::1"), 80)));
    assertThatThrownBy(() -> policy.check("169.254.169.254", 80))
        .hasMessageContaining("always refused");
    assertThatThrownBy(() -> policy.checkUrl(URI.create("http://169.254.169.254/latest")))
        .hasMessageContaining("always refused");
    assertThatThrownBy(() -> policy.check("metadata.example", 80))
        .hasMessageContaining("always refused");
    assertThatThrownBy(() -> policy.check("[fe80::1]", 80)).hasMessageContaining("always refused");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          10.0.0.5:8443         | 10.0.0.5:8443
          127.0.0.1:1           | 127.0.0.1:1
          ' 192.168.1.2:65535 ' | 192.168.1.2:65535
          [fd00::5]:443         | [fd00::5]:443
          [FD00:0:0::5]:443     | [fd00::5]:443
          [::1]:8080            | [::1]:8080
          [::ffff:10.0.0.5]:80  | 10.0.0.5:80
          8.8.8.8:53            | 8.8.8.8:53
          """)
  void parseWhenAnAddressAndPortAreGivenThenItIsThatDestination(String text, String shown) {
    assertThat(AllowedDestination.parse(text).toString()).isEqualTo(shown);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          10.0.0.5                  | has no port
          ''                        | has no port
          10.0.0.5:                 | has no valid port
          10.0.0.5:0                | has no valid port
          10.0.0.5:65536            | has no valid port
          10.0.0.5:99999999999      | has no valid port
          10.0.0.5:http             | has no valid port
          10.0.0.5:-1               | has no valid port
          :8080                     | has no IP address before the port
          fd00::5                   | needs its IPv6 address in brackets
          [fd00::5]                 | has no port
          [fd00::5]443              | has no port
          10.0.0.256:80             | does not start with a valid IP address
          [10.0.0.1]:80             | does not start with a valid IP address
          internal.example:8443     | names a host, not an address
          localhost:8080            | names a host, not an address
          169.254.169.254:80        | is a cloud metadata address, which Credflow always refuses
          0251.0376.0251.0376:80    | is a cloud metadata address
          [fe80::1]:80              | is a link-local address
          0.0.0.0:80                | is an unspecified address
          224.0.0.1:80              | is a multicast address
          """)
  void parseWhenTheEntryIsNoAllowableAddressAndPortThenTheMessageSaysWhy(String text, String why) {
    assertThatThrownBy(() -> AllowedDestination.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(why)
        .hasMessageContaining("\"" + text.strip() + "\"");
  }
}
