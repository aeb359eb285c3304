package health.portal.platform.events.terms;

import health.portal.platform.events.Topics;
import health.portal.platform.security.terms.CurrentTerms;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;

/**
 * {@link CurrentTerms}, kept current from identity-service's compacted topic, in the services that enforce the terms
 * ({@code portal.terms.enforced=true}: the gateway, records-service). Their checks need the bean, so a service that
 * enforces the terms does not start without it.
 */
@AutoConfiguration(afterName = "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration")
@ConditionalOnClass(CurrentTerms.class)
@ConditionalOnProperty(name = "portal.terms.enforced", havingValue = "true")
public class CurrentTermsAutoConfiguration {

    @Bean
    CurrentTerms currentTerms() {
        return new CurrentTerms();
    }

    @Bean
    CurrentTermsFeed currentTermsFeed(
            KafkaProperties kafka,
            CurrentTerms current,
            @Value("${portal.terms.topic:" + Topics.TERMS_CURRENT + "}") String topic) {
        return new CurrentTermsFeed(kafka.buildConsumerProperties(), topic, current);
    }
}
