package health.portal.records;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/**
 * Each direct sub-package of {@code health.portal.records} is a feature. The features form no cycle, and one
 * reaches only another's top-level package (its API), never the packages below it (its internals).
 */
class ModularityTest {

    @Test
    void featuresDependOnEachOthersApiOnlyAndFormNoCycle() {
        ApplicationModules.of(RecordsServiceApplication.class).verify();
    }
}
