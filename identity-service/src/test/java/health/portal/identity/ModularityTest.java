package health.portal.identity;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/**
 * Each direct sub-package of {@code health.portal.identity} is a feature. The features form no cycle, and one
 * reaches only another's top-level package (its API), never the packages below it (its internals).
 */
class ModularityTest {

    @Test
    void featuresDependOnEachOthersApiOnlyAndFormNoCycle() {
        ApplicationModules.of(IdentityServiceApplication.class).verify();
    }
}
