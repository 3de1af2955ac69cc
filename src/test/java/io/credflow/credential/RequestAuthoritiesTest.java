package io.credflow.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.tenancy.Caller;
import io.credflow.testing.Api;
import io.credflow.testing.SettableClock;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What requests know of a credential expires on the injected clock: a change another process made
 * (here: a row written behind this process's back) is seen once the clock moves past {@link
 * RequestAuthorities#STAMP_RECHECK}, and not before; a change made through this process at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestAuthoritiesTest {
  private SettableClock clock;
  private TestServer server;
  private RequestAuthorities authorities;
  private Caller admin;
  private World.Tenancy t;
  private String authClient;
  private String credential;

  @BeforeAll
  void start() {
    clock = SettableClock.startingNow();
    server = TestServer.start(false, clock);
    server.credflow().services().scheduler().close();
    authorities = server.credflow().services().requestAuthorities();
    admin = server.credflow().services().tenancy().bootstrapAdminCaller();
    World world = new World(server);
    t = world.tenancy("request-authorities");
    authClient =
        world.authClient(server.admin(), t.tenant(), t.component(), "api_key", Map.of("name", "K"));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @BeforeEach
  void newCredential() {
    credential =
        World.created(
            server
                .admin()
                .post(
                    "/v2/workspaces/" + t.workspace() + "/credentials",
                    World.credentialDoc("c", authClient, Map.of("value", "k-1"))));
  }

  /** Bumps the stored version as another process's write would, without telling this one. */
  private void writtenElsewhere() {
    server
        .credflow()
        .database()
        .jdbc()
        .update("UPDATE credentials SET version = version + 1 WHERE id = ?", credential);
  }

  private Authority forRequest() {
    return authorities.forRequest(admin, t.workspace(), credential);
  }

  @Test
  void forRequestWhenWithinTheRecheckThenTheKnownAuthorityIsReused() {
    Authority first = forRequest();
    writtenElsewhere();
    clock.advance(RequestAuthorities.STAMP_RECHECK);

    assertThat(forRequest()).isSameAs(first);
  }

  @Test
  void forRequestWhenTheClockMovesPastTheRecheckThenAChangeElsewhereIsSeen() {
    Authority first = forRequest();
    writtenElsewhere();
    clock.advance(RequestAuthorities.STAMP_RECHECK.plusMillis(1));

    Authority next = forRequest();

    assertThat(next).isNotSameAs(first);
    assertThat(next.credential().version()).isEqualTo(first.credential().version() + 1);
  }

  @Test
  void forRequestWhenTheClockWentBackThenTheStampIsComparedAgain() {
    Authority first = forRequest();
    writtenElsewhere();
    clock.advance(Duration.ofMinutes(-5));

    assertThat(forRequest().credential().version()).isEqualTo(first.credential().version() + 1);
  }

  @Test
  void forRequestWhenTheCredentialChangedThroughThisProcessThenTheNewOneIsUsedAtOnce() {
    Authority first = forRequest();
    ObjectNode doc =
        World.doc("credential", Map.of("credentials", Map.of("value", "k-2")), Map.of());
    ((ObjectNode) doc.get("data")).put("id", credential);
    Api.Response patched =
        server.admin().patch("/v2/workspaces/" + t.workspace() + "/credentials/" + credential, doc);

    assertThat(patched.status()).as(patched.text()).isEqualTo(200);
    assertThat(forRequest().credential().version()).isGreaterThan(first.credential().version());
  }
}
