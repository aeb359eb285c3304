package health.portal.gateway.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The description of the gateway's own endpoints at /v3/api-docs (routed services publish their own). */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI gatewayOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Patient portal gateway")
                        .version("v1")
                        .description("The portal's public entry. Records are read through this API; identity "
                                + "endpoints (/api/me, /api/terms, /api/enrollment) are relayed to identity-service, "
                                + "secure messages, surveys and lessons (/api/messages, /api/questionnaires) to "
                                + "messaging-service (its own /v3/api-docs describes them), the Billing Summary "
                                + "(/api/billing: accounts, statements, their PDFs, paperless) to billing-service; "
                                + "the patient is always the "
                                + "token's, a patientId in the query is dropped. "
                                + "Mobile apps send a Keycloak access token (audience portal-api); browsers sign in "
                                + "with GET /oauth2/authorization/keycloak and use the session cookie plus the CSRF "
                                + "token from GET /auth/session. Errors are RFC 9457 problem documents. A patient who"
                                + " has not accepted the current terms of use gets 403 terms-acceptance-required"
                                + " (currentVersion, acceptAt) on every route but GET /api/me, /api/terms/**,"
                                + " POST /api/me/terms-acceptance, enrollment, sign-in and sign-out; after accepting,"
                                + " an app refreshes its access token, a browser session carries on by itself."))
                .components(new Components()
                        .addSecuritySchemes(
                                "bearer",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .bearerFormat("JWT")));
    }
}
