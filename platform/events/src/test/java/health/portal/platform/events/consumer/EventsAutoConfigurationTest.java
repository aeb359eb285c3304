package health.portal.platform.events.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.platform.events.autoconfigure.EventsAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.util.backoff.BackOffExecution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Which error handler Boot's listener container factory ends up with (no broker needed). */
class EventsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, EventsAutoConfiguration.class))
            .withPropertyValues("spring.application.name=events-test", "spring.kafka.bootstrap-servers=127.0.0.1:1");

    @Test
    void listenersGetTheDeadLetteringHandler() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(CommonErrorHandler.class);
            assertThat(context.getBean(CommonErrorHandler.class)).isInstanceOf(DefaultErrorHandler.class);
            ConcurrentKafkaListenerContainerFactory<?, ?> factory =
                    context.getBean(ConcurrentKafkaListenerContainerFactory.class);
            assertThat(ReflectionTestUtils.getField(factory, "commonErrorHandler"))
                    .isSameAs(context.getBean(CommonErrorHandler.class));
            assertThat(context).hasSingleBean(DeadLetterReplay.class);
        });
    }

    @Test
    void aServiceWithItsOwnHandlerKeepsIt() {
        CommonErrorHandler own = new DefaultErrorHandler();
        runner.withBean("retryUntilStored", CommonErrorHandler.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(CommonErrorHandler.class);
            assertThat(context.getBean(CommonErrorHandler.class)).isSameAs(own);
            assertThat(ReflectionTestUtils.getField(
                            context.getBean(ConcurrentKafkaListenerContainerFactory.class), "commonErrorHandler"))
                    .isSameAs(own);
        });
    }

    @Test
    void pausesLongerThanThePollIntervalAllowsAreRefused() {
        runner.withPropertyValues(
                        "portal.events.consumer.max-interval=200s", "portal.events.consumer.max-elapsed-time=30m")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("max.poll.interval.ms"));
    }

    @Test
    void theDefaultBackOffRetriesForAboutFiveMinutesAtMostThirtySecondsApart() {
        runner.run(context -> {
            BackOffExecution execution =
                    context.getBean(EventConsumerProperties.class).backOff().start();
            List<Long> pauses = new ArrayList<>();
            for (long pause = execution.nextBackOff();
                    pause != BackOffExecution.STOP;
                    pause = execution.nextBackOff()) {
                pauses.add(pause);
            }
            assertThat(pauses).startsWith(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L);
            assertThat(pauses).allMatch(pause -> pause <= 30_000L);
            long total = pauses.stream().mapToLong(Long::longValue).sum();
            assertThat(total)
                    .isBetween(
                            Duration.ofMinutes(4).toMillis(),
                            Duration.ofMinutes(6).toMillis());
        });
    }
}
