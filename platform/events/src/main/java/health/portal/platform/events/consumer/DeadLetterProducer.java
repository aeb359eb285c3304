package health.portal.platform.events.consumer;

import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.Map;

/**
 * The producer of dead letters and of their replays. Kept out of the context as a template or producer factory of its
 * own: a second bean of those types would stand in the way of the service's own (Boot backs off from creating them,
 * or injection becomes ambiguous).
 */
public class DeadLetterProducer implements AutoCloseable {

    private final DefaultKafkaProducerFactory<Object, Object> factory;
    private final KafkaTemplate<Object, Object> template;

    /** @param config complete producer settings; the serializers are set here */
    public DeadLetterProducer(Map<String, Object> config) {
        this.factory =
                new DefaultKafkaProducerFactory<>(config, new DeadLetterSerializer(), new DeadLetterSerializer());
        this.template = new KafkaTemplate<>(factory);
    }

    public KafkaTemplate<Object, Object> template() {
        return template;
    }

    @Override
    public void close() {
        factory.destroy();
    }
}
