package health.portal.gateway.records;

import health.portal.platform.problem.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The end user's access token for a records call and the patient it belongs to. The patient id comes only from
 * the verified token's {@code patient_id} claim, never from the URL or the body.
 */
@Component
class UserToken {

    private final ReactiveOAuth2AuthorizedClientManager authorizedClients;

    private final ReactiveJwtDecoder jwtDecoder;

    UserToken(ReactiveOAuth2AuthorizedClientManager authorizedClients, ReactiveJwtDecoder jwtDecoder) {
        this.authorizedClients = authorizedClients;
        this.jwtDecoder = jwtDecoder;
    }

    record Resolved(String accessToken, String patientId) {}

    Mono<Resolved> resolve(ServerWebExchange exchange) {
        return exchange.getPrincipal()
                .flatMap(principal -> switch (principal) {
                    case JwtAuthenticationToken bearer -> Mono.just(bearer.getToken());
                    case OAuth2AuthenticationToken session -> sessionToken(session, exchange);
                    default -> Mono.empty();
                })
                .switchIfEmpty(Mono.error(() -> Problems.exception(
                        HttpStatus.UNAUTHORIZED,
                        Problems.UNAUTHENTICATED,
                        "Unauthorized",
                        "Sign in to see your records.",
                        null)))
                .flatMap(jwt -> {
                    String patientId = jwt.getClaimAsString("patient_id");
                    if (patientId == null || patientId.isBlank()) {
                        return Mono.error(Problems.exception(
                                HttpStatus.FORBIDDEN,
                                "no-patient",
                                "Forbidden",
                                "This account is not linked to a patient record.",
                                null));
                    }
                    return Mono.just(new Resolved(jwt.getTokenValue(), patientId));
                });
    }

    /** A browser session: its access token, refreshed when near expiry, verified like a bearer token. */
    private Mono<Jwt> sessionToken(OAuth2AuthenticationToken session, ServerWebExchange exchange) {
        OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId(
                        session.getAuthorizedClientRegistrationId())
                .principal(session)
                .attribute(ServerWebExchange.class.getName(), exchange)
                .build();
        return authorizedClients
                .authorize(request)
                .flatMap(client -> jwtDecoder.decode(client.getAccessToken().getTokenValue()))
                .onErrorResume(ex -> Mono.empty());
    }
}
