package health.portal.platform.outbox.autoconfigure;

import health.portal.platform.inbox.ProcessedEvents;
import health.portal.platform.outbox.OutboxAdmin;
import health.portal.platform.outbox.OutboxMetrics;
import health.portal.platform.outbox.OutboxProperties;
import health.portal.platform.outbox.OutboxPublisher;
import health.portal.platform.outbox.OutboxRelay;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.api.Location;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Wires the outbox, its relay and the inbox into a service that has a DataSource and Kafka settings
 * ({@code spring.datasource.*}, {@code spring.kafka.bootstrap-servers}, {@code spring.application.name}).
 * The library's own tables come from {@code classpath:db/migration/platform}, appended to Flyway's locations.
 * {@link OutboxAdmin} and the {@link OutboxMetrics} gauges are there also where the relay is turned off.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
            "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration"
        },
        beforeName = "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration")
@EnableConfigurationProperties(OutboxProperties.class)
public class OutboxAutoConfiguration {

    public static final String PLATFORM_MIGRATIONS = "classpath:db/migration/platform";

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(FlywayConfigurationCustomizer.class)
    @ConditionalOnProperty(name = "portal.platform.flyway.enabled", matchIfMissing = true)
    static class PlatformFlywayConfiguration {

        @Bean
        FlywayConfigurationCustomizer portalPlatformMigrations() {
            return configuration -> {
                Location platform = Location.fromPath("classpath:", "db/migration/platform");
                Location[] current = configuration.getLocations();
                if (Arrays.stream(current).noneMatch(l -> l.getDescriptor().equals(platform.getDescriptor()))) {
                    configuration.locations(Stream.concat(Arrays.stream(current), Stream.of(platform))
                            .toArray(Location[]::new));
                }
            };
        }
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(JdbcTemplate.class)
    OutboxPublisher outboxPublisher(JdbcTemplate jdbc, @Value("${spring.application.name:unknown}") String producer) {
        return new OutboxPublisher(jdbc, producer, Clock.systemUTC());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean({JdbcTemplate.class, PlatformTransactionManager.class})
    ProcessedEvents processedEvents(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        return new ProcessedEvents(jdbc, new TransactionTemplate(transactionManager));
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(JdbcTemplate.class)
    OutboxAdmin outboxAdmin(JdbcTemplate jdbc) {
        return new OutboxAdmin(jdbc);
    }

    /**
     * Bound here to the service's registry, as contexts without actuator's binding of {@code MeterBinder} beans (tests
     * with a registry of their own) need; where actuator binds it too, the second registration finds the same gauges.
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(JdbcTemplate.class)
    OutboxMetrics outboxMetrics(OutboxAdmin admin, ObjectProvider<MeterRegistry> registry) {
        OutboxMetrics metrics = new OutboxMetrics(admin);
        registry.ifUnique(metrics::bindTo);
        return metrics;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean({JdbcTemplate.class, PlatformTransactionManager.class, KafkaProperties.class})
    @ConditionalOnProperty(name = "portal.outbox.relay-enabled", matchIfMissing = true)
    static class RelayConfiguration {

        /** A producer of its own, see {@link #relayProducerConfig}. */
        @Bean(destroyMethod = "destroy")
        DefaultKafkaProducerFactory<String, byte[]> outboxProducerFactory(
                KafkaProperties kafkaProperties, OutboxProperties outbox) {
            return new DefaultKafkaProducerFactory<>(relayProducerConfig(kafkaProperties, outbox));
        }

        @Bean
        OutboxRelay outboxRelay(
                JdbcTemplate jdbc,
                PlatformTransactionManager transactionManager,
                DefaultKafkaProducerFactory<String, byte[]> outboxProducerFactory,
                OutboxProperties outbox) {
            return new OutboxRelay(
                    jdbc,
                    new TransactionTemplate(transactionManager),
                    new KafkaTemplate<>(outboxProducerFactory),
                    outbox);
        }
    }

    /**
     * The relay's producer settings: {@code spring.kafka.*} (SSL etc.), raw envelope bytes, acks from all replicas,
     * idempotent (no duplicates or reordering on retry), never transactional; its timeouts follow {@code send-timeout}.
     */
    public static Map<String, Object> relayProducerConfig(KafkaProperties kafkaProperties, OutboxProperties outbox) {
        Map<String, Object> config = new HashMap<>(kafkaProperties.buildProducerProperties());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.putIfAbsent(
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) outbox.sendTimeout().toMillis());
        int delivery = (int) outbox.sendTimeout().toMillis();
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(delivery, 30_000));
        config.putIfAbsent(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                Math.max(
                        delivery,
                        (Integer) config.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)
                                + (int) config.getOrDefault(ProducerConfig.LINGER_MS_CONFIG, 5)));
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return config;
    }
}
