package health.portal.platform.events.autoconfigure;

import com.google.protobuf.InvalidProtocolBufferException;
import health.portal.platform.events.DirectEventPublisher;
import health.portal.platform.events.consumer.DeadLetterEndpoint;
import health.portal.platform.events.consumer.DeadLetterProducer;
import health.portal.platform.events.consumer.DeadLetterRecoverer;
import health.portal.platform.events.consumer.DeadLetterReplay;
import health.portal.platform.events.consumer.EventConsumerProperties;
import health.portal.platform.events.consumer.FailedDeliveryLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RetryListener;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Kafka for services that have Kafka settings ({@code spring.kafka.*}): the direct publisher, and one way for every
 * listener to handle a record it cannot process.
 *
 * <p>The direct publisher's producer writes envelope bytes with string keys whatever serializers the service
 * configured for its own templates; acks from all replicas and idempotence, so that a retried send neither duplicates
 * nor reorders.
 *
 * <p>Spring Boot's own listener error handler retries a record a few times within milliseconds and then skips it: a
 * database restart would silently take records (record accesses in a patient's access log) away. The {@link
 * CommonErrorHandler} here, which Boot's listener container factory picks up, retries with exponential back-off for
 * minutes instead ({@link EventConsumerProperties}), blocking the partition while it does, so that order per key stays
 * and the committed offset never passes a record that was not handled. After that, or at once for a record that cannot
 * be read, the record goes to {@code <topic>.dlt} ({@link DeadLetterRecoverer}), from where {@link DeadLetterReplay}
 * puts it back. A service that declares its own {@link CommonErrorHandler} (the gateway retries terminations forever)
 * keeps it.
 */
@AutoConfiguration(afterName = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration")
@ConditionalOnClass(KafkaTemplate.class)
@ConditionalOnBean(KafkaProperties.class)
@EnableConfigurationProperties(EventConsumerProperties.class)
public class EventsAutoConfiguration {

    /** Kafka's default {@code max.poll.interval.ms}. */
    private static final long DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    DirectEventPublisher directEventPublisher(
            KafkaProperties kafka,
            ObjectProvider<ObservationRegistry> observations,
            @Value("${spring.application.name:unknown}") String producer) {
        Map<String, Object> config = reliableProducer(kafka);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        DefaultKafkaProducerFactory<String, byte[]> factory = new DefaultKafkaProducerFactory<>(config);
        KafkaTemplate<String, byte[]> template = new KafkaTemplate<>(factory);
        // trace context in the record headers, as spring.kafka.template.observation-enabled asks for
        template.setObservationEnabled(kafka.getTemplate().isObservationEnabled());
        observations.ifAvailable(template::setObservationRegistry);
        return new DirectEventPublisher(template, producer, Clock.systemUTC()) {
            @Override
            public void close() {
                super.close();
                factory.destroy();
            }
        };
    }

    /**
     * Without observation: dead letters and replays keep the trace headers of the original record, so the listener
     * that finally handles a record continues the trace of whoever sent it.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    DeadLetterProducer deadLetterProducer(KafkaProperties kafka) {
        return new DeadLetterProducer(reliableProducer(kafka));
    }

    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    DefaultErrorHandler portalEventsErrorHandler(
            EventConsumerProperties consumer,
            KafkaProperties kafka,
            DeadLetterProducer deadLetters,
            ObjectProvider<MeterRegistry> meters,
            ObjectProvider<RetryListener> retryListeners) {
        requirePausesWithinPollInterval(consumer, kafka);
        DefaultErrorHandler handler = new DefaultErrorHandler(
                new DeadLetterRecoverer(deadLetters.template(), meters.getIfAvailable(() -> Metrics.globalRegistry)),
                consumer.backOff());
        // an envelope whose payload cannot be parsed will not parse on the next attempt either (unreadable records,
        // DeserializationException, are never retried anyway)
        handler.addNotRetryableExceptions(InvalidProtocolBufferException.class);
        handler.setRetryListeners(Stream.concat(Stream.of(new FailedDeliveryLog()), retryListeners.orderedStream())
                .toArray(RetryListener[]::new));
        return handler;
    }

    @Bean
    @ConditionalOnMissingBean
    DeadLetterReplay deadLetterReplay(
            EventConsumerProperties consumer,
            KafkaProperties kafka,
            DeadLetterProducer deadLetters,
            @Value("${spring.application.name:unknown}") String application) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.put(
                ConsumerConfig.GROUP_ID_CONFIG,
                consumer.replayGroup() != null ? consumer.replayGroup() : application + ".dlt-replay");
        return new DeadLetterReplay(config, deadLetters.template(), consumer.replayTimeout());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Endpoint.class)
    static class DeadLetterEndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint
        DeadLetterEndpoint deadLetterEndpoint(DeadLetterReplay replay) {
            return new DeadLetterEndpoint(replay);
        }
    }

    private static Map<String, Object> reliableProducer(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return config;
    }

    /**
     * The listener thread sleeps between attempts without polling; one attempt (which may itself wait for a database
     * connection) and one pause together must fit in {@code max.poll.interval.ms}, or the consumer is thrown out of its
     * group in the middle of the retries and its partitions move.
     */
    private static void requirePausesWithinPollInterval(EventConsumerProperties consumer, KafkaProperties kafka) {
        Object configured = kafka.buildConsumerProperties().get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
        long maxPoll = configured == null ? DEFAULT_MAX_POLL_INTERVAL_MS : Long.parseLong(configured.toString());
        if (consumer.maxInterval().toMillis() * 2 > maxPoll) {
            throw new IllegalStateException("portal.events.consumer.max-interval (" + consumer.maxInterval()
                    + ") must be at most half of the consumer's max.poll.interval.ms (" + maxPoll + " ms)");
        }
    }
}
