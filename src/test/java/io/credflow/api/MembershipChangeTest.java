package io.credflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Api;
import io.credflow.testing.TestServer;
import io.credflow.testing.World;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Authenticated callers are kept for a moment; a membership added or removed through this process
 * applies to the very next request all the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MembershipChangeTest {
  private TestServer server;
  private World world;

  @BeforeAll
  void start() {
    server = TestServer.h2();
    world = new World(server);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void removingAndAddingAMemberAppliesToTheNextRequest() {
    World.Tenancy t = world.tenancy("membership");
    Api member = server.as(t.memberKey());
    String workspace = "/v2/workspaces/" + t.workspace();
    assertThat(member.get(workspace).status()).isEqualTo(200);

    Api.Response removed = server.admin().delete(workspace + "/members/" + t.memberId());
    assertThat(removed.status()).as(removed.text()).isEqualTo(204);
    assertThat(member.get(workspace).status()).isEqualTo(404);

    World.member(server.admin(), "workspaces", t.workspace(), t.memberId(), "member");
    assertThat(member.get(workspace).status()).isEqualTo(200);
  }
}
