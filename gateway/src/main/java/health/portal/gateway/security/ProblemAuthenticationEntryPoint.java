package health.portal.gateway.security;

import health.portal.gateway.audit.SecurityEvents;
import health.portal.gateway.web.ClientAddress;
import health.portal.platform.problem.Problems;
import health.portal.platform.problem.reactive.ReactiveProblems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** 401 as a problem, with the RFC 6750 challenge; a forged signature is reported as a security event. */
class ProblemAuthenticationEntryPoint implements ServerAuthenticationEntryPoint {

    private final SecurityEvents securityEvents;

    ProblemAuthenticationEntryPoint(SecurityEvents securityEvents) {
        this.securityEvents = securityEvents;
    }

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
        HttpHeaders headers = new HttpHeaders();
        String detail;
        if (ex instanceof InvalidBearerTokenException) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
            detail = "The access token is not valid.";
            if (isBadSignature(ex)) {
                securityEvents.publish(
                        SecurityEvents.BAD_TOKEN_SIGNATURE,
                        ClientAddress.of(exchange),
                        "",
                        exchange.getRequest().getPath().value(),
                        1);
            }
        } else {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            detail = "Sign in to use this resource.";
        }
        return ReactiveProblems.write(
                exchange,
                Problems.problem(HttpStatus.UNAUTHORIZED, Problems.UNAUTHENTICATED, "Unauthorized", detail),
                headers);
    }

    /** Nimbus reports an unknown key or a signature that does not verify as "Signed JWT rejected". */
    static boolean isBadSignature(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message != null
                    && (message.contains("Signed JWT rejected")
                            || message.contains("Invalid signature")
                            || message.contains("no matching key"))) {
                return true;
            }
        }
        return false;
    }
}
