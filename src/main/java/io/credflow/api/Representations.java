package io.credflow.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.credflow.authclient.AuthClient;
import io.credflow.common.Page;
import io.credflow.common.Secret;
import io.credflow.component.Component;
import io.credflow.credential.Authorization;
import io.credflow.credential.Credential;
import io.credflow.credential.CredentialError;
import io.credflow.credential.CredentialService;
import io.credflow.credential.Verification;
import io.credflow.tenancy.Contract;
import io.credflow.tenancy.Location;
import io.credflow.tenancy.Membership;
import io.credflow.tenancy.Tenant;
import io.credflow.tenancy.User;
import io.credflow.tenancy.Workspace;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resource objects as JSON:API shows them. Secrets leave only as {@value Secret#MASK}: every
 * settings member that is a {@link Secret} is replaced here, in one place.
 */
final class Representations {
  private Representations() {}

  static ObjectNode resource(String type, String id) {
    ObjectNode r = JsonApi.object();
    r.put("type", type);
    r.put("id", id);
    r.putObject("attributes");
    return r;
  }

  static ObjectNode attributes(ObjectNode resource) {
    return (ObjectNode) resource.get("attributes");
  }

  static void relate(ObjectNode resource, String name, String type, String id) {
    ObjectNode rels =
        resource.has("relationships")
            ? (ObjectNode) resource.get("relationships")
            : resource.putObject("relationships");
    ObjectNode data = rels.putObject(name).putObject("data");
    data.put("type", type);
    data.put("id", id);
  }

  static void put(ObjectNode node, String name, Optional<Instant> t) {
    if (t.isPresent()) {
      node.put(name, t.get().toString());
    } else {
      node.putNull(name);
    }
  }

  /** {@code name}: the text, or {@code null} when there is none. */
  static void putString(ObjectNode node, String name, Optional<String> v) {
    if (v.isPresent()) {
      node.put(name, v.get());
    } else {
      node.putNull(name);
    }
  }

  /** {@code name}: the number, or {@code null} when there is none. */
  static void putInt(ObjectNode node, String name, Optional<Integer> v) {
    if (v.isPresent()) {
      node.put(name, v.get());
    } else {
      node.putNull(name);
    }
  }

  static ObjectNode tenant(Tenant t) {
    ObjectNode r = resource("tenant", t.id());
    attributes(r).put("name", t.name()).put("created_at", t.createdAt().toString());
    return r;
  }

  static ObjectNode contract(Contract c) {
    ObjectNode r = resource("contract", c.id());
    attributes(r).put("name", c.name()).put("created_at", c.createdAt().toString());
    relate(r, "tenant", "tenant", c.tenantId());
    return r;
  }

  static ObjectNode workspace(Workspace w) {
    ObjectNode r = resource("workspace", w.id());
    attributes(r).put("name", w.name()).put("created_at", w.createdAt().toString());
    relate(r, "contract", "contract", w.contractId());
    relate(r, "tenant", "tenant", w.tenantId());
    return r;
  }

  static ObjectNode user(User u) {
    ObjectNode r = resource("user", u.id());
    attributes(r)
        .put("email", u.email())
        .put("global_admin", u.globalAdmin())
        .put("created_at", u.createdAt().toString());
    return r;
  }

  static ObjectNode member(Membership m) {
    ObjectNode r = resource("member", m.userId());
    attributes(r)
        .put("role", m.role().wireName())
        .put("level", m.at().level().wireName())
        .put("created_at", m.createdAt().toString());
    relate(r, "user", "user", m.userId());
    relate(r, m.at().level().wireName(), m.at().level().wireName(), m.at().id());
    return r;
  }

  static ObjectNode component(Component c) {
    ObjectNode r = resource("component", c.id());
    attributes(r)
        .put("name", c.name())
        .set("descriptor", JsonApi.fromPlain(c.descriptor().document()));
    attributes(r)
        .put("created_at", c.createdAt().toString())
        .put("updated_at", c.updatedAt().toString());
    relateLocation(r, c.deployedAt());
    return r;
  }

  private static void relateLocation(ObjectNode r, Location at) {
    String level = at.level().wireName();
    relate(r, level, level, at.id());
  }

  static ObjectNode authClient(AuthClient a) {
    ObjectNode r = resource("auth-client", a.id());
    ObjectNode attrs = attributes(r);
    attrs.put("type", a.type().wireName()).put("name", a.name());
    attrs.set("credentials", JsonApi.fromPlain(masked(a.settings().members())));
    attrs.put("level", a.owner().map(o -> o.level().wireName()).orElse("component"));
    attrs.put("created_at", a.createdAt().toString()).put("updated_at", a.updatedAt().toString());
    ObjectNode rels = r.putObject("relationships");
    ArrayNode comps = rels.putObject("components").putArray("data");
    for (String id : a.componentIds()) {
      comps.addObject().put("type", "component").put("id", id);
    }
    a.owner().ifPresent(o -> relateLocation(r, o));
    return r;
  }

  private static Map<String, Object> masked(Map<String, Object> members) {
    Map<String, Object> out = new LinkedHashMap<>(members);
    out.replaceAll((k, v) -> v instanceof Secret ? Secret.MASK : v);
    return out;
  }

  /** A credential with {@code flow_count}: how many flows (any status) use it. */
  static ObjectNode credential(CredentialService.View view, int flowCount) {
    ObjectNode r = credential(view);
    attributes(r).put("flow_count", flowCount);
    return r;
  }

  static ObjectNode credential(CredentialService.View view) {
    Credential c = view.credential();
    ObjectNode r = resource("credential", c.id());
    ObjectNode attrs = attributes(r);
    attrs.put("name", c.name()).put("type", c.type().wireName()).put("state", c.state().wireName());
    if (c.error().isPresent()) {
      CredentialError e = c.error().get();
      attrs
          .putObject("error")
          .put("code", e.code())
          .put("detail", e.detail())
          .put("at", e.at().toString());
    } else {
      attrs.putNull("error");
    }
    put(attrs, "expires_at", c.expiresAt());
    putString(attrs, "scope", c.scope());
    attrs.put("has_refresh_token", c.hasRefreshToken());
    put(attrs, "refresh_token_expires_at", view.expiry().refreshTokenExpiresAt());
    attrs.put("expiring_soon", view.expiry().expiringSoon());
    authorization(attrs, view.authorization(), false);
    if (c.verifyRequest().isPresent()) {
      attrs.set("verify_request", JsonApi.fromPlain(c.verifyRequest().get().reader()));
    } else {
      attrs.putNull("verify_request");
    }
    if (c.lastVerification().isPresent()) {
      verificationAttributes(attrs.putObject("verification"), c.lastVerification().get());
    } else {
      attrs.putNull("verification");
    }
    attrs.put("created_at", c.createdAt().toString()).put("updated_at", c.updatedAt().toString());
    relate(r, "auth_client", "auth-client", c.authClientId());
    relate(r, "component", "component", c.componentId());
    relate(r, "workspace", "workspace", c.workspaceId());
    return r;
  }

  /** How the check of credential {@code credentialId} went, as its own resource. */
  static ObjectNode verification(String credentialId, Verification v) {
    ObjectNode r = resource("credential-verification", credentialId);
    verificationAttributes(attributes(r), v);
    relate(r, "credential", "credential", credentialId);
    return r;
  }

  private static void verificationAttributes(ObjectNode node, Verification v) {
    node.put("ok", v.ok()).put("checked_at", v.checkedAt().toString()).put("network", v.network());
    if (v.status().isPresent()) {
      node.put("status", v.status().get());
    } else {
      node.putNull("status");
    }
    node.put("detail", v.detail());
  }

  /**
   * Writes {@code header} (and {@code query} for query-parameter authorization) into {@code node};
   * values are real only when {@code reveal} is set (the audited access endpoint).
   */
  static void authorization(ObjectNode node, Authorization authorization, boolean reveal) {
    switch (authorization) {
      case Authorization.None n -> node.putNull("header");
      case Authorization.Header h ->
          node.putObject("header")
              .put("name", h.name())
              .put("value", reveal ? h.value().reveal() : h.maskedValue());
      case Authorization.QueryParameter q -> {
        node.putNull("header");
        node.putObject("query")
            .put("name", q.name())
            .put("value", reveal ? q.value().reveal() : Secret.MASK);
      }
    }
  }

  static ObjectNode event(io.credflow.credential.CredentialEvent e) {
    ObjectNode r = resource("event", Long.toString(e.seq()));
    attributes(r).put("type", e.type()).put("detail", e.detail()).put("at", e.at().toString());
    relate(r, "credential", "credential", e.credentialId());
    relate(r, "workspace", "workspace", e.workspaceId());
    return r;
  }

  static ObjectNode single(ObjectNode resource) {
    ObjectNode doc = JsonApi.object();
    doc.set("data", resource);
    return doc;
  }

  /** A list document with {@code links.next} when there is more. */
  static <T> ObjectNode list(
      Page<T> page, Function<T, ObjectNode> render, String path, Map<String, String> query) {
    ObjectNode doc = JsonApi.object();
    ArrayNode data = doc.putArray("data");
    page.items().forEach(i -> data.add(render.apply(i)));
    ObjectNode links = doc.putObject("links");
    if (page.next().isPresent()) {
      StringBuilder next = new StringBuilder(path).append('?');
      query.forEach(
          (k, v) -> {
            if (!k.equals("page[after]")) {
              next.append(encode(k)).append('=').append(encode(v)).append('&');
            }
          });
      next.append(encode("page[after]"))
          .append('=')
          .append(Requests.encodeCursor(page.next().get()));
      links.put("next", next.toString());
    } else {
      links.putNull("next");
    }
    return doc;
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }
}
