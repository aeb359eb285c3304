package health.portal.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaProducerException;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

/** Back-off and the verdict on failures, without infrastructure. */
class OutboxRetryPolicyTest {

    @Test
    void backoffDoublesWithEveryFailureUpToTheCap() {
        OutboxProperties defaults = new OutboxProperties(null, null, null, null, null, null, null);
        assertThat(defaults.maxAttempts()).isEqualTo(10);
        assertThat(IntStream.rangeClosed(1, 9).mapToObj(defaults::backoffAfter))
                .extracting(Duration::toSeconds)
                .containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L);
        // a row that fails retriably for days must not overflow
        assertThat(defaults.backoffAfter(100_000)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void inconsistentSettingsAreRefusedAtStart() {
        assertThatThrownBy(() -> new OutboxProperties(null, null, null, null, 0, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OutboxProperties(
                        null, null, null, null, null, Duration.ofMinutes(2), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyNonRetriableKafkaErrorsCountAsRefused() {
        for (Exception refused : Set.of(
                new RecordTooLargeException("too large"),
                new InvalidTopicException("bad name"),
                new TopicAuthorizationException(Set.of("t")))) {
            // as the relay sees them: wrapped by Spring Kafka and by the future
            assertThat(OutboxRelay.refused(new ExecutionException(new KafkaProducerException(null, "failed", refused))))
                    .as(refused.toString())
                    .isTrue();
        }
        assertThat(OutboxRelay.refused(new KafkaProducerException(
                        null, "failed", new org.apache.kafka.common.errors.TimeoutException("expired"))))
                .isFalse();
        assertThat(OutboxRelay.refused(new NotLeaderOrFollowerException())).isFalse();
        assertThat(OutboxRelay.refused(new TimeoutException("no acknowledgement")))
                .isFalse();
        assertThat(OutboxRelay.refused(new IllegalStateException("producer closed")))
                .isFalse();
    }
}
