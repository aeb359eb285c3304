package health.portal.gateway.records;

import health.portal.gateway.web.ClientAddress;
import health.portal.platform.problem.Problems;
import health.portal.platform.security.grpc.BearerCallCredentials;
import health.portal.platform.security.grpc.ForwardedClient;
import io.grpc.CallCredentials;
import org.springframework.http.HttpHeaders;
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

import java.util.Optional;

/**
 * The end user's access token for a records call and the patient it belongs to. The patient id comes only from
 * the verified token's {@code patient_id} claim, never from the URL or the body.
 */
@Component
class UserToken {

    private final ReactiveOAuth2AuthorizedClientManager authorizedClients;

    private final ReactiveJwtDecoder jwtDecoder;
    private final GatewayToken gatewayToken;

    UserToken(
            ReactiveOAuth2AuthorizedClientManager authorizedClients,
            ReactiveJwtDecoder jwtDecoder,
            GatewayToken gatewayToken) {
        this.authorizedClients = authorizedClients;
        this.jwtDecoder = jwtDecoder;
        this.gatewayToken = gatewayToken;
    }

    /**
     * @param accessToken    the user's, relayed so that records-service checks it again
     * @param patientId      from its {@code patient_id} claim
     * @param forwarderToken the gateway's own token vouching for address and device, or null when there is none
     * @param clientAddress  the end user's address
     * @param userAgent      the end user's {@code User-Agent}, or null
     */
    record Resolved(
            String accessToken, String patientId, String forwarderToken, String clientAddress, String userAgent) {

        /** The credentials of a records call relayed for this user. */
        CallCredentials credentials() {
            return forwarderToken == null
                    ? BearerCallCredentials.of(accessToken)
                    : new ForwardedClient(accessToken, forwarderToken, clientAddress, userAgent);
        }
    }

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
                    return gatewayToken
                            .token()
                            .map(Optional::of)
                            .defaultIfEmpty(Optional.empty())
                            .map(forwarder -> new Resolved(
                                    jwt.getTokenValue(),
                                    patientId,
                                    forwarder.orElse(null),
                                    ClientAddress.of(exchange),
                                    exchange.getRequest().getHeaders().getFirst(HttpHeaders.USER_AGENT)));
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
