package io.credflow.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallerTest {
  private static final Location TENANT = Location.tenant("t1");
  private static final Location CONTRACT = Location.contract("t1", "c1");
  private static final Location WORKSPACE = Location.workspace("t1", "c1", "w1");
  private static final Location OTHER_WORKSPACE = Location.workspace("t1", "c2", "w2");
  private static final Location OTHER_TENANT = Location.tenant("t2");

  private static Caller caller(boolean globalAdmin, Membership... memberships) {
    return new Caller(
        new User("u1", "u@example.com", globalAdmin, Instant.EPOCH, 1), List.of(memberships));
  }

  private static Membership at(Location location, Role role) {
    return new Membership("u1", location, role, Instant.EPOCH, 1);
  }

  @Test
  void roleAtWhenMemberOfTenantThenRoleAppliesToEveryNodeBelow() {
    Caller c = caller(false, at(TENANT, Role.ADMIN));
    assertThat(c.roleAt(WORKSPACE)).contains(Role.ADMIN);
    assertThat(c.roleAt(OTHER_WORKSPACE)).contains(Role.ADMIN);
    assertThat(c.roleAt(OTHER_TENANT)).isEmpty();
  }

  @Test
  void roleAtWhenMemberOfWorkspaceThenNoRoleAboveIt() {
    Caller c = caller(false, at(WORKSPACE, Role.MEMBER));
    assertThat(c.roleAt(WORKSPACE)).contains(Role.MEMBER);
    assertThat(c.roleAt(CONTRACT)).isEmpty();
    assertThat(c.roleAt(OTHER_WORKSPACE)).isEmpty();
  }

  @Test
  void roleAtWhenSeveralMembershipsApplyThenStrongestWins() {
    Caller c = caller(false, at(WORKSPACE, Role.MEMBER), at(CONTRACT, Role.ADMIN));
    assertThat(c.roleAt(WORKSPACE)).contains(Role.ADMIN);
    assertThat(c.isAdminAt(WORKSPACE)).isTrue();
  }

  @Test
  void seesWhenMemberBelowANodeThenSeesItsAncestorsButNotItsSiblings() {
    Caller c = caller(false, at(WORKSPACE, Role.MEMBER));
    assertThat(c.sees(TENANT)).isTrue();
    assertThat(c.sees(CONTRACT)).isTrue();
    assertThat(c.sees(OTHER_WORKSPACE)).isFalse();
    assertThat(c.sees(OTHER_TENANT)).isFalse();
  }

  @Test
  void globalAdminWhenAskedThenAdminEverywhere() {
    Caller c = caller(true);
    assertThat(c.roleAt(OTHER_TENANT)).contains(Role.ADMIN);
    assertThat(c.sees(OTHER_WORKSPACE)).isTrue();
  }

  @Test
  void isWithinWhenPathsShareAPrefixThenOnlyTheDeeperIsWithin() {
    assertThat(WORKSPACE.isWithin(TENANT)).isTrue();
    assertThat(TENANT.isWithin(WORKSPACE)).isFalse();
    assertThat(WORKSPACE.isWithin(WORKSPACE)).isTrue();
    assertThat(OTHER_WORKSPACE.isWithin(CONTRACT)).isFalse();
    assertThat(WORKSPACE.level()).isEqualTo(Level.WORKSPACE);
  }
}
