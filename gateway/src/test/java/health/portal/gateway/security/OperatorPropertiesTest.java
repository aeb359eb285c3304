package health.portal.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The management port's credential has no default: a gateway without a good one does not start. */
class OperatorPropertiesTest {

    private final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(Binding.class);

    @EnableConfigurationProperties(OperatorProperties.class)
    static class Binding {}

    @Test
    void withoutAPasswordTheGatewayDoesNotStart() {
        context.withPropertyValues("gateway.operator.username=operator")
                .run(started -> assertThat(started)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("GATEWAY_OPERATOR_PASSWORD"));
    }

    @Test
    void aShortPasswordIsRefused() {
        context.withPropertyValues("gateway.operator.username=operator", "gateway.operator.password=admin")
                .run(started -> assertThat(started).hasFailed());
        assertThatThrownBy(() -> new OperatorProperties(" ", "a-long-enough-password"))
                .hasMessageContaining("username");
    }

    @Test
    void theCredentialIsNeverPrinted() {
        OperatorProperties properties = new OperatorProperties("operator", "correct-horse-battery-staple");
        assertThat(properties.toString()).contains("operator").doesNotContain("correct-horse");
    }
}
