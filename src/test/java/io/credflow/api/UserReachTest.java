package io.credflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.World;
import io.credflow.testing.documents.Resource;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Users are created at a node of the caller's tenancy and seen only from there: no answer reveals,
 * or hands over, a user of another tenant, and an email taken elsewhere is not confirmed as whose.
 */
class UserReachTest {
  @RegisterExtension
  static final CredflowExtension credflow = CredflowExtension.h2().tenancyPerTest("users");

  private static final String UNKNOWN_USER = "0123456789abcdef01234567";

  private final World.Tenancy a = credflow.tenancy();
  private final World.Tenancy b = credflow.world().tenancy("other-" + UUID.randomUUID());
  private final Api aAdmin = credflow.server().as(a.adminKey());
  private final Api bAdmin = credflow.server().as(b.adminKey());

  private static String email() {
    return "person-" + UUID.randomUUID() + "@example.com";
  }

  private static Resource user(String email) {
    return Resource.of("user").attribute("email", email);
  }

  private static String memberDoc(String userId) {
    return Resource.of("member")
        .attribute("role", "member")
        .relationship("user", "user", userId)
        .build()
        .toString();
  }

  @Test
  void createWhenEmailBelongsToAUserOfAnotherTenantThenNeutral422NamingNoUserOrPlace() {
    String email = email();
    Api.Response mine =
        aAdmin.post("/v2/users", user(email).relationship("tenant", "tenant", a.tenant()).build());
    assertThat(mine.status()).as(mine.text()).isEqualTo(201);

    Api.Response theirs =
        bAdmin.post("/v2/users", user(email).relationship("tenant", "tenant", b.tenant()).build());

    assertThat(theirs.status()).as(theirs.text()).isEqualTo(422);
    assertThat(theirs.error().path("code").asText()).isEqualTo("email_unavailable");
    assertThat(theirs.error().path("source").path("pointer").asText())
        .isEqualTo("/data/attributes/email");
    assertThat(theirs.text()).doesNotContain(mine.id(), a.tenant(), email, "already");
  }

  @Test
  void createWhenEmailBelongsToAUserInReachThen409NamingIt() {
    String email = email();
    Api.Response first =
        aAdmin.post("/v2/users", user(email).relationship("tenant", "tenant", a.tenant()).build());
    assertThat(first.status()).as(first.text()).isEqualTo(201);

    Api.Response again =
        aAdmin.post(
            "/v2/users", user(email).relationship("workspace", "workspace", a.workspace()).build());

    assertThat(again.status()).as(again.text()).isEqualTo(409);
    assertThat(again.error().path("code").asText()).isEqualTo("email_taken");
    assertThat(again.error().path("detail").asText()).contains(first.id(), email);
  }

  @Test
  void newUserWhenCreatedByOneTenantThenAnotherTenantsAdminNeitherSeesNorClaimsIt() {
    Api.Response created =
        aAdmin.post(
            "/v2/users", user(email()).relationship("tenant", "tenant", a.tenant()).build());
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String id = created.id();

    Api.Response seen = bAdmin.get("/v2/users/" + id);
    Api.Response unknown = bAdmin.get("/v2/users/" + UNKNOWN_USER);
    assertThat(seen.status()).isEqualTo(404);
    assertThat(seen.text().replace(id, UNKNOWN_USER)).isEqualTo(unknown.text());

    String members = "/v2/tenants/" + b.tenant() + "/members";
    Api.Response claimed = bAdmin.post(members, memberDoc(id));
    Api.Response claimedUnknown = bAdmin.post(members, memberDoc(UNKNOWN_USER));
    assertThat(claimed.status()).as(claimed.text()).isEqualTo(404);
    assertThat(claimed.text().replace(id, UNKNOWN_USER)).isEqualTo(claimedUnknown.text());

    assertThat(aAdmin.get("/v2/users/" + id).status()).isEqualTo(200);
    assertThat(aAdmin.get("/v2/tenants/" + a.tenant() + "/members").text()).contains(id);
  }

  @Test
  void newUserWhenCreatedByAGlobalAdminWithoutANodeThenNoTenantAdminSeesOrClaimsIt() {
    Api.Response created = credflow.admin().post("/v2/users", user(email()).build());
    assertThat(created.status()).as(created.text()).isEqualTo(201);
    String id = created.id();

    for (Api tenantAdmin : new Api[] {aAdmin, bAdmin}) {
      assertThat(tenantAdmin.get("/v2/users/" + id).status()).isEqualTo(404);
    }
    Api.Response claimed = bAdmin.post("/v2/tenants/" + b.tenant() + "/members", memberDoc(id));
    assertThat(claimed.status()).as(claimed.text()).isEqualTo(404);
    assertThat(credflow.admin().get("/v2/users/" + id).status()).isEqualTo(200);
  }

  @Test
  void userWhenItsLastMembershipEndsThenItsFormerAdminsNoLongerSeeIt() {
    Api.Response created =
        aAdmin.post(
            "/v2/users", user(email()).relationship("tenant", "tenant", a.tenant()).build());
    String id = created.id();

    Api.Response removed = aAdmin.delete("/v2/tenants/" + a.tenant() + "/members/" + id);
    assertThat(removed.status()).as(removed.text()).isEqualTo(204);

    assertThat(aAdmin.get("/v2/users/" + id).status()).isEqualTo(404);
    assertThat(bAdmin.post("/v2/tenants/" + b.tenant() + "/members", memberDoc(id)).status())
        .isEqualTo(404);
  }

  @Test
  void createWhenATenantAdminNamesNoNodeThen422AtTheRelationships() {
    Api.Response r = aAdmin.post("/v2/users", user(email()).build());

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    assertThat(r.error().path("code").asText()).isEqualTo("missing_relationship");
    assertThat(r.error().path("source").path("pointer").asText())
        .isEqualTo("/data/relationships/tenant");
  }

  @Test
  void createWhenTheNodeIsAnotherTenantsThen404AsForAnUnknownNode() {
    Api.Response r =
        aAdmin.post(
            "/v2/users", user(email()).relationship("tenant", "tenant", b.tenant()).build());
    Api.Response unknown =
        aAdmin.post(
            "/v2/users", user(email()).relationship("tenant", "tenant", UNKNOWN_USER).build());

    assertThat(r.status()).as(r.text()).isEqualTo(404);
    assertThat(r.text().replace(b.tenant(), UNKNOWN_USER)).isEqualTo(unknown.text());
  }

  @Test
  void createWhenAWorkspaceMemberTriesThen403() {
    Api member = credflow.server().as(a.memberKey());
    Api.Response r =
        member.post(
            "/v2/users",
            user(email()).relationship("workspace", "workspace", a.workspace()).build());

    assertThat(r.status()).as(r.text()).isEqualTo(403);
  }

  @Test
  void createWhenARoleIsGivenThenTheNewUserHasItThereAndItsKeyWorks() {
    Api.Response created =
        aAdmin.post(
            "/v2/users",
            user(email())
                .attribute("role", "admin")
                .relationship("contract", "contract", a.contract())
                .build());
    assertThat(created.status()).as(created.text()).isEqualTo(201);

    Api.Response members = aAdmin.get("/v2/contracts/" + a.contract() + "/members");
    assertThat(members.text()).contains(created.id()).contains("\"admin\"");
    Api newUser = credflow.server().as(World.apiKey(created));
    assertThat(newUser.get("/v2/contracts/" + a.contract()).status()).isEqualTo(200);
  }
}
