package health.portal.gateway.audit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.ProducerListener;

import java.util.HashMap;
import java.util.Map;

/**
 * The audit buffer's producer: the service's Kafka settings with acknowledgement from all replicas and idempotence
 * (as the platform's direct publisher), so that the producer's own retries neither duplicate nor reorder.
 */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

    /** Not a ProducerFactory bean: that would take the place of Spring Boot's own for every other template. */
    @Bean(destroyMethod = "close")
    AuditBuffer auditBuffer(
            KafkaProperties kafka,
            ObjectProvider<ObservationRegistry> observations,
            AuditProperties properties,
            MeterRegistry meters) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        KafkaTemplate<String, byte[]> template = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(config));
        // the buffer logs what waits, once per attempt; Spring's default listener would log every record's failure
        template.setProducerListener(new ProducerListener<>() {});
        template.setObservationEnabled(kafka.getTemplate().isObservationEnabled());
        observations.ifAvailable(template::setObservationRegistry);
        return new AuditBuffer(template, properties, meters);
    }
}
