package health.portal.identity.accesslog;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AccessLogProperties.class)
class AccessLogConfiguration {

    /**
     * Created at start-up unless it exists (Spring Kafka's admin): compacted, so the latest head is kept however old,
     * and one partition, the one the single key goes to anyway. Replication as the broker's default.
     */
    @Bean
    NewTopic accessLogHeadTopic(AccessLogProperties properties) {
        return TopicBuilder.name(properties.headTopic()).partitions(1).compact().build();
    }
}
