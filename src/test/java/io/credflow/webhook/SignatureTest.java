package io.credflow.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.credflow.common.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The {@code Credflow-Signature} header: what it signs, and what a receiver's check refuses. */
class SignatureTest {
  private static final Secret SECRET = Secret.of("signature-test-secret-123");
  private static final Instant AT = Instant.parse("2026-12-06T03:00:00Z");
  private static final String BODY = "{\"id\":\"e1\",\"type\":\"run.failed\"}";

  @Test
  void headerWhenMadeThenIsHmacSha256OfTimestampDotBodyInHex() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected =
        HexFormat.of()
            .formatHex(
                mac.doFinal((AT.getEpochSecond() + "." + BODY).getBytes(StandardCharsets.UTF_8)));

    assertThat(Signature.header(SECRET, AT, BODY))
        .isEqualTo("t=" + AT.getEpochSecond() + ",v1=" + expected);
  }

  @Test
  void verifyWhenFreshAndUnchangedThenAccepted() {
    String header = Signature.header(SECRET, AT, BODY);

    assertThat(Signature.verify(SECRET, header, BODY, AT.plusSeconds(299), Duration.ofMinutes(5)))
        .isEmpty();
  }

  @Test
  void verifyWhenOlderThanTheToleranceThenRefusedAsAReplay() {
    String header = Signature.header(SECRET, AT, BODY);

    assertThat(Signature.verify(SECRET, header, BODY, AT.plusSeconds(301), Duration.ofMinutes(5)))
        .hasValueSatisfying(r -> assertThat(r).contains("timestamp"));
  }

  @Test
  void verifyWhenBodySecretOrTimestampChangedThenRefused() {
    String header = Signature.header(SECRET, AT, BODY);
    Duration five = Duration.ofMinutes(5);

    assertThat(Signature.verify(SECRET, header, BODY + " ", AT, five)).isPresent();
    assertThat(Signature.verify(Secret.of("another-secret-0123456"), header, BODY, AT, five))
        .isPresent();
    String moved = header.replace("t=" + AT.getEpochSecond(), "t=" + (AT.getEpochSecond() + 60));
    assertThat(Signature.verify(SECRET, moved, BODY, AT, five)).isPresent();
    assertThat(Signature.verify(SECRET, null, BODY, AT, five)).isPresent();
    assertThat(Signature.verify(SECRET, "t=1", BODY, AT, five)).isPresent();
    assertThat(Signature.verify(SECRET, "t=x,v1=zz", BODY, AT, five)).isPresent();
  }

  @Test
  void headerWhenSecretIsUsedThenItNeverAppearsInTheHeader() {
    assertThat(Signature.header(SECRET, AT, BODY)).doesNotContain(SECRET.reveal());
  }
}
