package health.portal.identity.terms;

import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.config.TopicBuilder;

@Configuration(proxyBeanMethods = false)
class TermsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TermsConfiguration.class);

    /**
     * Created at start-up unless it exists: compacted, so the current version stays however long ago it was published
     * (the gateway and records-service refuse patient data until they have read it), one partition for the one key.
     */
    @Bean
    NewTopic currentTermsTopic(TermsService terms) {
        return TopicBuilder.name(terms.topic()).partitions(1).compact().build();
    }

    /** The current version on the topic at every start, whatever happened to the topic meanwhile. */
    @Bean
    Announcement currentTermsAnnouncement(TermsService terms) {
        return new Announcement(terms);
    }

    static final class Announcement {

        private final TermsService terms;

        Announcement(TermsService terms) {
            this.terms = terms;
        }

        @EventListener(ApplicationReadyEvent.class)
        void announce() {
            terms.announceCurrent();
            log.info("The current terms of use are announced on {}", terms.topic());
        }
    }
}
