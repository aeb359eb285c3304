package health.portal.gateway.security;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the web app needs to know about its browser session: signed in or not, and the CSRF token it must send
 * (header {@code X-CSRF-TOKEN}) with every state-changing request, sign-out included. No tokens are exposed.
 */
@RestController
@Tag(name = "Browser session")
class SessionController {

    @GetMapping("/auth/session")
    @Operation(
            summary = "State of the browser session and its CSRF token",
            description = "Sign in with GET /oauth2/authorization/keycloak; sign out with POST /logout (CSRF token).")
    Mono<Map<String, Object>> session(@AuthenticationPrincipal Object principal, ServerWebExchange exchange) {
        Mono<CsrfToken> csrf = exchange.getAttribute(CsrfToken.class.getName());
        Mono<CsrfToken> token = csrf != null ? csrf : Mono.empty();
        return token.map(t -> Map.of("headerName", (Object) t.getHeaderName(), "token", t.getToken()))
                .defaultIfEmpty(Map.of())
                .map(csrfInfo -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    boolean signedIn = principal instanceof OidcUser;
                    body.put("authenticated", signedIn);
                    if (principal instanceof OidcUser user) {
                        body.put("subject", user.getSubject());
                        body.put("name", user.getFullName() != null ? user.getFullName() : user.getPreferredUsername());
                    }
                    body.put("csrf", csrfInfo);
                    return body;
                });
    }
}
