package io.credflow.security;

import static io.credflow.testing.ExecutorWorkspace.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.audit.AuditRecord;
import io.credflow.credential.RequestAudit;
import io.credflow.testing.CredflowExtension;
import io.credflow.testing.ExecutorWorkspace;
import io.credflow.testing.ManualTime;
import io.credflow.testing.TestServer;
import io.credflow.testing.upstream.Upstream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests that Credflow sends with a credential are audited (docs/security.md 7): an upstream may
 * hand back what a request carried, so every use counts as a release. Uses are counted per
 * credential, caller and minute of Credflow's clock, one audit record each, without the secret.
 */
class RequestAuditTest {
  @RegisterExtension
  static final CredflowExtension credflow =
      CredflowExtension.h2()
          .manualTime(ChronoUnit.MINUTES)
          .upstreamServer()
          .executorWorkspace("audit");

  private final ManualTime time = credflow.time();
  private final TestServer server = credflow.server();
  private final Upstream upstream = credflow.upstream();
  private final ExecutorWorkspace w = credflow.executorWorkspace();

  private List<AuditRecord> audited(String credential) {
    server.credflow().services().requestAuthorities().flushAudit();
    return server.credflow().services().audit().ofCredential(credential);
  }

  @Test
  void requestsWhenSentWithACredentialThenTheirUsesAreAuditedPerMinute() {
    Instant minute = time.now();
    for (int i = 0; i < 3; i++) {
      assertThat(w.send(get(upstream.url("/echo/audited")), null, w.basic()).status())
          .isEqualTo(200);
    }
    time.advance(Duration.ofSeconds(61));
    assertThat(w.send(get(upstream.url("/echo/audited")), null, w.basic()).status()).isEqualTo(200);

    List<AuditRecord> records = audited(w.basic());

    assertThat(records).extracting(AuditRecord::action).containsOnly(RequestAudit.ACTION);
    assertThat(records).extracting(AuditRecord::uses).containsExactly(3L, 1L);
    assertThat(records)
        .extracting(AuditRecord::at)
        .containsExactly(minute, minute.plus(Duration.ofMinutes(1)));
    assertThat(records)
        .extracting(r -> r.place().workspaceId().orElseThrow())
        .containsOnly(w.workspace());
    assertThat(records.toString()).doesNotContain(ExecutorWorkspace.BASIC_PASSWORD);
    assertThat(audited(w.basic())).hasSize(2);
  }

  @Test
  void aCredentialNobodyUsedHasNoRequestRecords() {
    assertThat(audited(w.apiKeyQuery())).isEmpty();
  }
}
