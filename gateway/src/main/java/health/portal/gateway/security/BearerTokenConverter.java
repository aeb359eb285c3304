package health.portal.gateway.security;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The bearer token of the {@code Authorization} header, by the same rule as Spring Security's
 * {@code ServerBearerTokenAuthenticationConverter} (RFC 6750's b64token: {@code Bearer [A-Za-z0-9-._~+/]+=*}, the
 * scheme in any case; malformed is an invalid_token error; another scheme is no bearer token), checked by a loop
 * instead of a case-insensitive regular expression: run over a JWT of a kilobyte on every request, that expression was
 * 7% of the gateway's CPU under load (docs/benchmarks/gateway-overhead.md). Tokens in the query string are not taken,
 * as there.
 */
final class BearerTokenConverter implements ServerAuthenticationConverter {

    private static final String SCHEME = "Bearer ";

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        return Mono.fromCallable(() -> token(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION)))
                .map(BearerTokenAuthenticationToken::new);
    }

    /** The token, null without a bearer authorization; malformed throws as Spring Security's converter does. */
    static String token(String authorization) {
        // Spring's test: anything that starts with "bearer" (any case) is meant as a bearer token
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length() - 1)) {
            return null;
        }
        if (!isBearerCredentials(authorization)) {
            throw new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed"));
        }
        return authorization.substring(SCHEME.length());
    }

    private static boolean isBearerCredentials(String authorization) {
        int length = authorization.length();
        if (length <= SCHEME.length() || authorization.charAt(SCHEME.length() - 1) != ' ') {
            return false;
        }
        int i = SCHEME.length();
        while (i < length && isTokenChar(authorization.charAt(i))) {
            i++;
        }
        if (i == SCHEME.length()) {
            return false; // at least one token character before any padding
        }
        while (i < length && authorization.charAt(i) == '=') {
            i++;
        }
        return i == length;
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~'
                || c == '+'
                || c == '/';
    }
}
