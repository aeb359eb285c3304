package health.portal.platform.events.terms;

import health.portal.infra.kafka.KafkaBroker;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.TermsPublished;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Instant;

/**
 * identity-service's part in the tests of the services that enforce the terms: a TermsPublished on the compacted
 * topic they read from its start, as identity-service publishes it. Shipped in platform-events' test jar (scope test,
 * type test-jar) for the gateway's, records-service's and messaging-service's tests.
 */
public final class TermsPublications {

    private TermsPublications() {}

    /** Publishes {@code version} as published at {@code publishedAt} on {@link Topics#TERMS_CURRENT}, acknowledged. */
    public static void publish(KafkaBroker kafka, String version, Instant publishedAt) {
        publish(kafka, Topics.TERMS_CURRENT, version, publishedAt);
    }

    /** As {@link #publish(KafkaBroker, String, Instant)}, on another topic (a feed test's own). */
    public static void publish(KafkaBroker kafka, String topic, String version, Instant publishedAt) {
        try (KafkaProducer<String, byte[]> writer = kafka.writer()) {
            writer.send(new ProducerRecord<>(
                            topic,
                            Topics.TERMS_KEY,
                            Envelopes.wrap(
                                            TermsPublished.newBuilder()
                                                    .setVersion(version)
                                                    .setPublishedAt(Envelopes.timestamp(publishedAt))
                                                    .build(),
                                            null,
                                            "identity-service",
                                            null,
                                            Instant.now())
                                    .toByteArray()))
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("the terms were not published: " + e.getCause(), e);
        }
    }
}
