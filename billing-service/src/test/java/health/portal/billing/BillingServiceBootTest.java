package health.portal.billing;

import health.portal.testsupport.StatefulServiceContract;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** billing-service boots on its own PostgreSQL database, migrates it, reports ready and refuses calls without a token. */
class BillingServiceBootTest extends StatefulServiceContract {

    /** What a deployment must give it: its own client secret. */
    @DynamicPropertySource
    static void required(DynamicPropertyRegistry registry) {
        registry.add("billing.keycloak.client-secret", () -> "not-used-here");
        registry.add("billing.statements.cron", () -> "-");
        registry.add("billing.paper-mail.cron", () -> "-");
    }
}
