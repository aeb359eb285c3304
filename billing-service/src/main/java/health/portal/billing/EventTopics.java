package health.portal.billing;

import health.portal.platform.events.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

/** The topic this service publishes to, created at start-up unless it exists (keyed by patient: order per patient). */
@Configuration(proxyBeanMethods = false)
class EventTopics {

    @Bean
    NewTopic billingEvents() {
        return TopicBuilder.name(Topics.BILLING_EVENTS).partitions(6).build();
    }
}
