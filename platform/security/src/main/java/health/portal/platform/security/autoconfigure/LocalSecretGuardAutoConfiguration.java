package health.portal.platform.security.autoconfigure;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Profiles;

import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses to start a service whose configuration holds a local development secret (a value ending in {@value
 * #LOCAL_SUFFIX}, the form such values take in this repository's documentation and old configurations) unless the
 * {@code local} profile is active: a secret anyone can read in the repository must never protect patient data.
 */
@AutoConfiguration
public class LocalSecretGuardAutoConfiguration {

    static final String LOCAL_SUFFIX = "-local-secret";

    @Bean
    static InitializingBean localSecretGuard(ConfigurableEnvironment environment) {
        return () -> {
            if (environment.acceptsProfiles(Profiles.of("local"))) {
                return;
            }
            Set<String> offending = new TreeSet<>();
            for (var source : environment.getPropertySources()) {
                if (source instanceof EnumerablePropertySource<?> enumerable) {
                    for (String name : enumerable.getPropertyNames()) {
                        String value = resolved(environment, name);
                        if (value != null && value.trim().endsWith(LOCAL_SUFFIX)) {
                            offending.add(name);
                        }
                    }
                }
            }
            if (!offending.isEmpty()) {
                throw new IllegalStateException("Refusing to start: " + offending + " hold a local development secret ("
                        + "a value ending in '" + LOCAL_SUFFIX + "'). Give the real secret through the environment, or "
                        + "activate the 'local' profile on a developer machine.");
            }
        };
    }

    private static String resolved(ConfigurableEnvironment environment, String name) {
        try {
            return environment.getProperty(name);
        } catch (RuntimeException unresolvable) {
            return null; // a placeholder without a value is not a local secret; its own user reports it
        }
    }
}
