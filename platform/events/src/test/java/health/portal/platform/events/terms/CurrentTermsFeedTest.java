package health.portal.platform.events.terms;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.kafka.KafkaBroker;
import health.portal.platform.security.terms.CurrentTerms;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The feed against the real broker: unknown until the topic is read to its end, then the newest publication. */
class CurrentTermsFeedTest {

    private static final KafkaBroker KAFKA = KafkaBroker.shared();

    private static void publish(String topic, String version, Instant at) {
        TermsPublications.publish(KAFKA, topic, version, at);
    }

    private static Optional<String> awaitVersion(CurrentTerms current, String expected) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end && !current.version().equals(Optional.ofNullable(expected))) {
            Thread.sleep(100);
        }
        return current.version();
    }

    @Test
    void unknownWhileNoVersionIsPublishedThenTheNewestOne() throws Exception {
        String topic = "terms-test." + UUID.randomUUID();
        CurrentTerms current = new CurrentTerms();
        CurrentTermsFeed feed = new CurrentTermsFeed(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()), topic, current);
        feed.start();
        try {
            Thread.sleep(2000); // the topic does not exist yet: the feed waits for it
            assertThat(current.version()).isEmpty();

            publish(topic, "2026-02", Instant.parse("2026-02-01T00:00:00Z"));
            // an older version republished later (a restart of an old instance) does not win
            publish(topic, "2026-01", Instant.parse("2026-01-01T00:00:00Z"));
            assertThat(awaitVersion(current, "2026-02")).contains("2026-02");

            publish(topic, "2026-03", Instant.parse("2026-03-01T00:00:00Z"));
            assertThat(awaitVersion(current, "2026-03")).contains("2026-03");
        } finally {
            feed.stop();
        }
    }

    @Test
    void aNewReaderKnowsTheVersionOnlyFromWhatIsOnTheTopic() throws Exception {
        String topic = "terms-test." + UUID.randomUUID();
        KAFKA.createTopics(topic);
        publish(topic, "2026-05", Instant.parse("2026-05-01T00:00:00Z"));
        CurrentTerms current = new CurrentTerms();
        CurrentTermsFeed feed = new CurrentTermsFeed(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()), topic, current);
        feed.start();
        try {
            assertThat(awaitVersion(current, "2026-05")).contains("2026-05");
        } finally {
            feed.stop();
        }
    }
}
