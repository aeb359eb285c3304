package health.portal.billing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The API description the gateway publishes names billing's routes. */
class ApiDocsTest extends BillingTestBase {

    @Test
    void theOpenApiDescriptionListsTheRoutes() {
        Answer docs = get("/v3/api-docs", null);
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body())
                .contains(
                        "/api/billing/summary",
                        "/api/billing/statements/{statementId}/pdf",
                        "/api/billing/paperless",
                        "/internal/billing/postings");
    }
}
