package io.credflow.authclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.credflow.Credflow;
import io.credflow.audit.AuditTrail;
import io.credflow.common.NotFoundException;
import io.credflow.component.ComponentRepository;
import io.credflow.component.ComponentService;
import io.credflow.store.Jdbc;
import io.credflow.store.JdbcAuthClientRepository;
import io.credflow.store.JdbcComponentRepository;
import io.credflow.store.SecretColumns;
import io.credflow.tenancy.Caller;
import io.credflow.tenancy.TenancyService;
import io.credflow.tenancy.Workspace;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.World;
import io.credflow.testing.documents.AuthClients;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whether an auth-client id exists in another tenant must not show in how long the answer takes.
 * Checked by structure, never by timing: the service makes the same repository calls and the
 * database runs the same SQL statements, in the same order, for an id of another tenant's
 * auth-client as for an id that exists nowhere (and so decrypts nothing for either).
 */
class AuthClientLookupCostTest {
  @RegisterExtension
  static final CredflowExtension credflow = CredflowExtension.h2().tenancy("cost-a");

  private static final String UNKNOWN = "0123456789abcdef01234567";

  /** Every repository call the service makes ("repository.method") and SQL statement it runs. */
  private static final List<String> calls = new CopyOnWriteArrayList<>();

  private static AuthClientService service;
  private static Map<String, String> othersAuthClients;
  private static World.Tenancy b;

  @SuppressWarnings("unchecked")
  private static <T> T counting(Class<T> type, T target, String name) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              calls.add(name + "." + method.getName());
              return invoke(method, target, args);
            });
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** {@code connection}, recording the SQL of every statement prepared on it. */
  private static Connection statements(Connection connection) {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("prepareStatement")) {
                calls.add("sql: " + args[0]);
              }
              return invoke(method, connection, args);
            });
  }

  @BeforeAll
  static void wire() {
    World.Tenancy a = credflow.tenancy();
    b = credflow.world().tenancy("cost-b");
    var api = credflow.admin();
    othersAuthClients = new LinkedHashMap<>();
    othersAuthClients.put(
        "tenant-owned oauth2",
        AuthClients.oauth2().clientId("cid").clientSecret("s").in(a).create(api));
    othersAuthClients.put(
        "component-level noauth", AuthClients.noauth().components(a.component()).create(api));
    othersAuthClients.put(
        "workspace-owned api_key",
        AuthClients.apiKey()
            .credential("name", "X-Key")
            .credential("value", "k")
            .components(a.component())
            .workspace(a.workspace())
            .create(api));

    Credflow running = credflow.server().credflow();
    DataSource real = running.database().dataSource();
    Jdbc jdbc =
        new Jdbc(
            counting(
                DataSource.class,
                (DataSource)
                    Proxy.newProxyInstance(
                        DataSource.class.getClassLoader(),
                        new Class<?>[] {DataSource.class},
                        (proxy, method, args) -> {
                          Object result = invoke(method, real, args);
                          return method.getName().equals("getConnection")
                              ? statements((Connection) result)
                              : result;
                        }),
                "data-source"));
    Clock clock = running.timing().clock();
    TenancyService tenancy = running.services().tenancy();
    SecretColumns secrets = new SecretColumns(running.services().keyring());
    AuthClientRepository authClients =
        counting(
            AuthClientRepository.class,
            new JdbcAuthClientRepository(jdbc, secrets, clock),
            "auth-clients");
    ComponentRepository components =
        counting(ComponentRepository.class, new JdbcComponentRepository(jdbc, clock), "components");
    service =
        new AuthClientService(
            authClients,
            new ComponentService(components, tenancy, clock),
            tenancy,
            jdbc,
            clock,
            running.services().outbound().policy(),
            VerifyRequest.Check.ANY_OBJECT,
            AuditTrail.NONE);
  }

  private static Caller caller(String userId) {
    return credflow.server().credflow().services().tenancy().callerFor(userId).orElseThrow();
  }

  /** The repository calls of one lookup that is not found, and its message with the id masked. */
  private static List<String> notFound(String id, Consumer<String> lookup) {
    calls.clear();
    NotFoundException e = catchThrowableOfType(NotFoundException.class, () -> lookup.accept(id));
    assertThat(e).as("lookup of %s", id).isNotNull();
    List<String> made = new ArrayList<>(calls);
    made.add("message: " + e.getMessage().replace(id, "ID"));
    return made;
  }

  @Test
  void getWhenTheIdIsAnotherTenantsThenTheSameReadsAsForAnUnknownId() {
    Caller other = caller(b.adminId());
    Consumer<String> get = id -> service.get(other, id);
    List<String> unknown = notFound(UNKNOWN, get);

    othersAuthClients.forEach(
        (label, id) -> assertThat(notFound(id, get)).as(label).isEqualTo(unknown));
  }

  @Test
  void usableInWhenTheIdIsAnotherTenantsThenTheSameReadsAsForAnUnknownId() {
    Workspace ws =
        credflow
            .server()
            .credflow()
            .services()
            .tenancy()
            .findWorkspace(b.workspace())
            .orElseThrow();
    Consumer<String> usable = id -> service.usableIn(ws, id, "auth_client");
    List<String> unknown = notFound(UNKNOWN, usable);

    othersAuthClients.forEach(
        (label, id) -> assertThat(notFound(id, usable)).as(label).isEqualTo(unknown));
  }

  @Test
  void getWhenTheCallerMaySeeItThenItIsReadWhole() {
    Caller owner = caller(credflow.tenancy().adminId());
    for (String id : othersAuthClients.values()) {
      calls.clear();
      assertThat(service.get(owner, id).id()).isEqualTo(id);
      assertThat(calls).contains("auth-clients.find");
    }
  }
}
