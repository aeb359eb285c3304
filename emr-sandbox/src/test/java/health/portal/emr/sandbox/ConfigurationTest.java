package health.portal.emr.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.Map;

class ConfigurationTest {

    @Test
    void environmentOverridesDefaults() {
        assertThat(EmrSandboxApplication.resolve("${SANDBOX_PORT:8090}", Map.of()))
                .isEqualTo("8090");
        assertThat(EmrSandboxApplication.resolve("${SANDBOX_PORT:8090}", Map.of("SANDBOX_PORT", "9191")))
                .isEqualTo("9191");
    }

    @Test
    void argumentsOverrideTheFileAndUnknownOnesAreRefused() {
        Map<String, String> config = EmrSandboxApplication.configuration(new String[] {"--sandbox.patients=3"});
        assertThat(config)
                .containsEntry("sandbox.patients", "3")
                .containsKeys("sandbox.port", "sandbox.seed", "sandbox.demo-patients", "sandbox.bind-address");
        assertThatThrownBy(() -> EmrSandboxApplication.configuration(new String[] {"--sandbox.colour=red"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown option sandbox.colour");
    }
}
