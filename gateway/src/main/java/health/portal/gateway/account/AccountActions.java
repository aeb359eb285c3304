package health.portal.gateway.account;

import health.portal.platform.problem.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.Map;
import java.util.TreeSet;

/**
 * The patient's own account changes, done by Keycloak on its own pages: a sign-in started with {@code
 * /oauth2/authorization/keycloak?action=password} asks Keycloak for its application-initiated action ({@code
 * kc_action}), so the password, authenticator app or passkey is set where the credentials live and the portal never
 * sees them. Keycloak then returns through the normal sign-in callback. Only the listed actions pass: {@code
 * kc_action} would otherwise let any link start any required action of the realm (e.g. delete the account).
 */
public final class AccountActions implements ServerOAuth2AuthorizationRequestResolver {

    static final String PARAMETER = "action";

    static final Map<String, String> KEYCLOAK_ACTIONS = Map.of(
            "password", "UPDATE_PASSWORD",
            "totp", "CONFIGURE_TOTP",
            "passkey", "webauthn-register-passwordless");

    private final ServerOAuth2AuthorizationRequestResolver delegate;

    private AccountActions(ServerOAuth2AuthorizationRequestResolver delegate) {
        this.delegate = delegate;
    }

    /** The sign-in requests of {@code delegate}, with the action of the request's {@code action} parameter. */
    public static ServerOAuth2AuthorizationRequestResolver around(ServerOAuth2AuthorizationRequestResolver delegate) {
        return new AccountActions(delegate);
    }

    @Override
    public Mono<OAuth2AuthorizationRequest> resolve(ServerWebExchange exchange) {
        return delegate.resolve(exchange).map(request -> withAction(exchange, request));
    }

    @Override
    public Mono<OAuth2AuthorizationRequest> resolve(ServerWebExchange exchange, String clientRegistrationId) {
        return delegate.resolve(exchange, clientRegistrationId).map(request -> withAction(exchange, request));
    }

    private static OAuth2AuthorizationRequest withAction(
            ServerWebExchange exchange, OAuth2AuthorizationRequest request) {
        String action = exchange.getRequest().getQueryParams().getFirst(PARAMETER);
        if (action == null) {
            return request;
        }
        String keycloakAction = KEYCLOAK_ACTIONS.get(action);
        if (keycloakAction == null) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                    HttpStatus.BAD_REQUEST, "action must be one of " + new TreeSet<>(KEYCLOAK_ACTIONS.keySet()) + ".");
            problem.setTitle("Unknown account action");
            problem.setType(URI.create(Problems.BASE + "unknown-account-action"));
            throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
        }
        String uri = UriComponentsBuilder.fromUriString(request.getAuthorizationRequestUri())
                .queryParam("kc_action", keycloakAction)
                .build()
                .toUriString();
        return OAuth2AuthorizationRequest.from(request)
                .additionalParameters(parameters -> parameters.put("kc_action", keycloakAction))
                .authorizationRequestUri(uri)
                .build();
    }
}
