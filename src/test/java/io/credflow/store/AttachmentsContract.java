package io.credflow.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.common.Ids;
import io.credflow.executor.Attachment;
import io.credflow.executor.AttachmentContent;
import io.credflow.executor.AttachmentScope;
import io.credflow.tenancy.Contract;
import io.credflow.tenancy.Tenant;
import io.credflow.tenancy.Workspace;
import io.credflow.testing.SettableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The attachment store's contract (style.md 14), run on H2 with files in a data directory and on
 * PostgreSQL with chunks in the database, with the real migrations and a settable clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AttachmentsContract {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  /** Small enough to cross it in a test; the real limit is 100 MiB. */
  private static final long LIMIT = 3 * 1024 * 1024;

  private Database database;
  private SettableClock clock;
  private JdbcAttachments attachments;
  private String ws;
  private String otherWs;

  protected abstract Database openDatabase();

  /** The data directory the H2 store writes its files under. */
  protected abstract Path dataDir();

  protected abstract void dropDatabase();

  @BeforeAll
  void openAndMigrate() {
    database = openDatabase();
    database.migrate();
    clock = new SettableClock(T0);
    attachments =
        JdbcAttachments.create(
            database, dataDir(), () -> URI.create("https://credflow.example/"), clock, LIMIT);
    ws = workspace();
    otherWs = workspace();
  }

  @AfterAll
  void closeAndDrop() {
    if (database != null) {
      database.close();
    }
    dropDatabase();
  }

  @Test
  void storeWhenOpenedThenTheSameBytesTypeAndSizeComeBack() throws IOException {
    byte[] bytes = binary(2 * 1024 * 1024 + 17); // more than one chunk, every byte value
    Attachment stored =
        attachments.store(scope(ws, Duration.ofHours(1)), "image/png", input(bytes));

    assertThat(stored.size()).isEqualTo(bytes.length);
    assertThat(stored.contentType()).isEqualTo("image/png");
    assertThat(stored.url())
        .isEqualTo(
            URI.create(
                "https://credflow.example/v2/workspaces/" + ws + "/attachments/" + stored.id()));
    assertThat(Ids.looksLikeId(stored.id())).isTrue();
    try (AttachmentContent content = attachments.open(ws, stored.id()).orElseThrow()) {
      assertThat(content.contentType()).isEqualTo("image/png");
      assertThat(content.size()).isEqualTo(bytes.length);
      assertThat(content.body().readAllBytes()).isEqualTo(bytes);
    }
  }

  @Test
  void emptyBodyWhenStoredThenAnEmptyAttachmentOfOctetsIsOpened() throws IOException {
    Attachment stored = attachments.store(scope(ws, Duration.ofHours(1)), null, input(new byte[0]));

    try (AttachmentContent content = attachments.open(ws, stored.id()).orElseThrow()) {
      assertThat(content.contentType()).isEqualTo("application/octet-stream");
      assertThat(content.body().readAllBytes()).isEmpty();
    }
  }

  @Test
  void anotherWorkspaceWhenOpeningThenNothingIsFound() {
    Attachment stored =
        attachments.store(scope(ws, Duration.ofHours(1)), "text/plain", input(binary(10)));

    assertThat(attachments.open(otherWs, stored.id())).isEmpty();
    assertThat(attachments.open(ws, Ids.newId())).isEmpty();
  }

  @Test
  void expiredWhenOpenedOrSweptThenItIsGoneAndOthersStay() {
    Instant now = clock.instant();
    Attachment shortLived =
        attachments.store(scope(ws, Duration.ofMinutes(5)), "text/plain", input(binary(100)));
    Attachment longLived =
        attachments.store(scope(ws, Duration.ofDays(3)), "text/plain", input(binary(100)));

    clock.set(now.plus(Duration.ofMinutes(5)));
    assertThat(attachments.open(ws, shortLived.id())).isEmpty();
    int swept = attachments.sweep(clock.instant());

    assertThat(swept).isGreaterThanOrEqualTo(1);
    assertThat(attachments.sweep(clock.instant())).isZero();
    assertThat(attachments.open(ws, longLived.id())).isPresent().get().satisfies(this::close);
    clock.set(now);
    assertThat(attachments.open(ws, shortLived.id())).as("deleted, not only hidden").isEmpty();
    if (database.dialect() == Dialect.H2) {
      assertThat(dataDir().resolve("attachments").resolve(shortLived.id())).doesNotExist();
    }
  }

  @Test
  void largerThanTheLimitWhenStoredThenRefusedNamingItAndNothingIsKept() {
    long before = rows();

    assertThatThrownBy(
            () ->
                attachments.store(
                    scope(ws, Duration.ofHours(1)), "text/plain", input(binary((int) LIMIT + 1))))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(Long.toString(LIMIT));
    assertThat(rows()).isEqualTo(before);
  }

  @Test
  void sourceWhenItFailsMidwayThenNothingIsKept() {
    long before = rows();
    InputStream failing =
        new InputStream() {
          private int left = 5000;

          @Override
          public int read() throws IOException {
            if (left-- <= 0) {
              throw new IOException("connection reset");
            }
            return 7;
          }
        };

    assertThatThrownBy(
            () -> attachments.store(scope(ws, Duration.ofHours(1)), "text/plain", failing))
        .isInstanceOf(UncheckedIOException.class)
        .hasRootCauseMessage("connection reset");
    assertThat(rows()).isEqualTo(before);
  }

  @Test
  void runIdWhenGivenThenStoredWithTheAttachment() {
    String run = Ids.newId();
    Attachment stored =
        attachments.store(
            new AttachmentScope(ws, Optional.of(run), clock.instant().plusSeconds(60)),
            "text/plain",
            input(binary(3)));

    assertThat(
            database
                .jdbc()
                .queryOne(
                    "SELECT run_id FROM attachments WHERE id = ?",
                    rs -> rs.getString("run_id"),
                    stored.id()))
        .contains(run);
  }

  private void close(AttachmentContent content) {
    content.close();
  }

  private long rows() {
    return database
        .jdbc()
        .queryOne("SELECT COUNT(*) AS n FROM attachments", rs -> rs.getLong("n"))
        .orElseThrow();
  }

  private AttachmentScope scope(String workspace, Duration ttl) {
    return new AttachmentScope(workspace, Optional.empty(), clock.instant().plus(ttl));
  }

  private static InputStream input(byte[] bytes) {
    return new ByteArrayInputStream(bytes);
  }

  private static byte[] binary(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + i / 256);
    }
    return bytes;
  }

  private String workspace() {
    JdbcTenancyRepository tenancy = new JdbcTenancyRepository(database.jdbc());
    Tenant t = new Tenant(Ids.newId(), "attachments", T0, 0);
    tenancy.insertTenant(t);
    Contract c = new Contract(Ids.newId(), t.id(), "contract", T0, 0);
    tenancy.insertContract(c);
    Workspace w = new Workspace(Ids.newId(), c.id(), t.id(), "workspace", T0, 0);
    tenancy.insertWorkspace(w);
    return w.id();
  }
}
