package io.credflow.authclient;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.credflow.testing.Api;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import io.credflow.testing.documents.Resource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An OAuth auth-client's {@code token_expired_when} over the API: a valid one is stored and shown
 * as written (it is no secret), every invalid member is a 422 at its pointer and stores nothing,
 * and a PATCH replaces it whole or removes it.
 */
class TokenExpiredWhenTest {
  private static final String WHEN = "/data/attributes/credentials/token_expired_when";

  @RegisterExtension
  static final CredflowExtension credflow = CredflowExtension.h2().tenancy("expiry-signals");

  private final World.Tenancy tenancy = credflow.tenancy();

  private Api.Response create(Object when) {
    return AuthClients.oauth2()
        .clientId("expiry-client")
        .clientSecret("expiry-secret")
        .credential("token_expired_when", when)
        .tenant(tenancy.tenant())
        .components(tenancy.component())
        .post(credflow.admin());
  }

  private int authClients() {
    return credflow.admin().get("/v2/auth-clients").body().path("data").size();
  }

  @Test
  void createWhenTokenExpiredWhenIsValidThenItIsStoredAndShownAsWritten() {
    Map<String, Object> when = Map.of("status", List.of(401, 403), "body", "body.error.code = 190");
    Api.Response created = create(when);
    assertThat(created.status()).as(created.text()).isEqualTo(201);

    String id = created.data().path("id").asText();
    JsonNode shown =
        credflow
            .admin()
            .get("/v2/auth-clients/" + id)
            .attributes()
            .path("credentials")
            .path("token_expired_when");
    assertThat(shown.path("status").toString()).isEqualTo("[401,403]");
    assertThat(shown.path("body").asText()).isEqualTo("body.error.code = 190");
    assertThat(
            credflow
                .server()
                .credflow()
                .services()
                .authClients()
                .findUnchecked(id)
                .orElseThrow()
                .settings())
        .isInstanceOfSatisfying(
            OAuth2Settings.class,
            s ->
                assertThat(s.tokenExpiredWhen())
                    .contains(
                        new TokenExpiredWhen(
                            List.of(401, 403), java.util.Optional.of("body.error.code = 190"))));
  }

  @Test
  void createWhenAMemberIsInvalidThenEachIsA422AtItsPointerAndNothingIsStored() {
    int before = authClients();
    Map<String, Object> bad = new LinkedHashMap<>();
    bad.put("status", List.of(401, 99, "403"));
    bad.put("body", "body.error.code = ");
    bad.put("when", "always");

    Api.Response r = create(bad);

    assertThat(r.status()).as(r.text()).isEqualTo(422);
    List<String> pointers =
        r.body().path("errors").findValues("pointer").stream().map(JsonNode::asText).toList();
    assertThat(pointers)
        .containsExactlyInAnyOrder(
            WHEN + "/when", WHEN + "/status/1", WHEN + "/status/2", WHEN + "/body");
    assertThat(authClients()).isEqualTo(before);
  }

  @Test
  void createWhenTokenExpiredWhenIsEmptyOrNotAnObjectThenItIsA422AtTheMember() {
    for (Object when : List.of(Map.of(), "401", List.of(401), Map.of("status", List.of()))) {
      Api.Response r = create(when);
      assertThat(r.status()).as(r.text()).isEqualTo(422);
      assertThat(r.error().path("source").path("pointer").asText()).startsWith(WHEN);
    }
  }

  @Test
  void patchWhenTokenExpiredWhenIsReplacedOrRemovedThenTheWholeMemberChanges() {
    Api.Response created = create(Map.of("status", List.of(403), "body", "body.expired"));
    String id = created.data().path("id").asText();

    Map<String, Object> credentials = new HashMap<>();
    credentials.put("token_expired_when", Map.of("status", List.of(400)));
    Api.Response replaced = patch(id, credentials);
    assertThat(replaced.status()).as(replaced.text()).isEqualTo(200);
    JsonNode shown = replaced.attributes().path("credentials").path("token_expired_when");
    assertThat(shown.path("status").toString()).isEqualTo("[400]");
    assertThat(shown.has("body")).isFalse();

    credentials.put("token_expired_when", Map.of("body", "body.error.code = "));
    Api.Response invalid = patch(id, credentials);
    assertThat(invalid.status()).as(invalid.text()).isEqualTo(422);
    assertThat(invalid.error().path("source").path("pointer").asText()).isEqualTo(WHEN + "/body");

    credentials.put("token_expired_when", null);
    Api.Response removed = patch(id, credentials);
    assertThat(removed.status()).as(removed.text()).isEqualTo(200);
    assertThat(removed.attributes().path("credentials").has("token_expired_when")).isFalse();
  }

  private static Api.Response patch(String id, Map<String, Object> credentials) {
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("credentials", credentials);
    return credflow
        .admin()
        .patch(
            "/v2/auth-clients/" + id,
            Resource.of("auth-client").id(id).attributes(attributes).build());
  }
}
