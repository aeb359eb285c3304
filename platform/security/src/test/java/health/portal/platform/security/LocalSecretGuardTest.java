package health.portal.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.platform.security.autoconfigure.LocalSecretGuardAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A service does not start with a secret from the repository, except on a developer machine (profile local). */
class LocalSecretGuardTest {

    private final ApplicationContextRunner service = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LocalSecretGuardAutoConfiguration.class));

    @Test
    void aLocalSecretStopsTheStart() {
        service.withPropertyValues("portal.keycloak.client-secret=identity-service-local-secret")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("portal.keycloak.client-secret")
                        .hasMessageContaining("local development secret"));
    }

    @Test
    void aLocalSecretIsAcceptedWithTheLocalProfile() {
        service.withPropertyValues(
                        "portal.keycloak.client-secret=identity-service-local-secret", "spring.profiles.active=local")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void aRealSecretStarts() {
        service.withPropertyValues("portal.keycloak.client-secret=Zq8v2-fe19c0d7a4")
                .run(context -> assertThat(context).hasNotFailed());
    }
}
