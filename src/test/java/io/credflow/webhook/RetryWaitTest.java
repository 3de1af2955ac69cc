package io.credflow.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.credflow.testing.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wait between attempts of a delivery: 30 s doubling, capped at 1 h, ±10% jitter. */
class RetryWaitTest {
  private final WebhookDispatcher.Settings settings = WebhookDispatcher.Settings.defaults();

  @Test
  void retryWaitWhenJitterDrawsTheMiddleThenDoublesFrom30SecondsToTheHourCap() {
    List<Long> seconds = new ArrayList<>();
    for (int failures = 1; failures <= 10; failures++) {
      seconds.add(settings.retryWait(failures, ManualTime.MIDDLE).toSeconds());
    }

    assertThat(seconds)
        .containsExactly(30L, 60L, 120L, 240L, 480L, 960L, 1920L, 3600L, 3600L, 3600L);
  }

  @Test
  void retryWaitWhenJitterDrawsTheEdgesThenStaysWithinTenPercent() {
    assertThat(settings.retryWait(1, ManualTime.LOWEST)).isEqualTo(Duration.ofSeconds(27));
    assertThat(settings.retryWait(1, ManualTime.HIGHEST)).isEqualTo(Duration.ofSeconds(33));
    assertThat(settings.retryWait(50, ManualTime.HIGHEST)).isEqualTo(Duration.ofMinutes(66));
  }

  @Test
  void settingsWhenLongestIsShorterThanFirstThenRefused() {
    assertThatThrownBy(
            () ->
                new WebhookDispatcher.Settings(
                    Duration.ofSeconds(10),
                    Duration.ofMinutes(5),
                    Duration.ofMinutes(1),
                    Duration.ofHours(24)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
