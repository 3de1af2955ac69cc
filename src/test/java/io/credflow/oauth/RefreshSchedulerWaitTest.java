package io.credflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long the refresh poller waits between polls (the loop itself sleeps what this answers). */
class RefreshSchedulerWaitTest {
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final int BATCH = 1000;

  @Test
  void aFullBatchIsFollowedByTheNextPollAtOnce() {
    assertThat(RefreshScheduler.waitAfter(BATCH, BATCH, BATCH, POLL, Duration.ofMillis(300)))
        .isZero();
  }

  @Test
  void aFullBatchWhoseRowsWerePartlyStillQueuedStillPollsAtOnce() {
    // 64 of the rows found were submitted by the poll before and have not claimed their lease yet.
    assertThat(RefreshScheduler.waitAfter(BATCH, BATCH - 64, BATCH, POLL, Duration.ofMillis(300)))
        .isZero();
  }

  @Test
  void aPollThatStartedNothingWaitsAWholePoll() {
    assertThat(RefreshScheduler.waitAfter(BATCH, 0, BATCH, POLL, Duration.ofMillis(5)))
        .isEqualTo(POLL);
    assertThat(RefreshScheduler.waitAfter(0, 0, BATCH, POLL, Duration.ZERO)).isEqualTo(POLL);
  }

  @Test
  void aPartBatchWaitsWhatIsLeftOfThePoll() {
    assertThat(RefreshScheduler.waitAfter(700, 700, BATCH, POLL, Duration.ofMillis(400)))
        .isEqualTo(Duration.ofMillis(600));
  }

  @Test
  void aPartBatchThatTookLongerThanAPollPollsAgainAtOnce() {
    assertThat(RefreshScheduler.waitAfter(700, 700, BATCH, POLL, Duration.ofMillis(1500))).isZero();
  }
}
