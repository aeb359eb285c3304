package health.portal.gateway.security;

import health.portal.platform.security.VerifiedTokens;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * The reactive counterpart of the platform's {@code CachingJwtDecoder}: tokens the wrapped decoder accepted are
 * remembered until they expire ({@link VerifiedTokens}, which says what that gives up), so that an app's repeated
 * requests with one token pay the signature check and the claim checks once.
 */
final class CachingJwtDecoder implements ReactiveJwtDecoder {

    private final ReactiveJwtDecoder delegate;

    private final VerifiedTokens verified;

    CachingJwtDecoder(ReactiveJwtDecoder delegate, VerifiedTokens verified) {
        this.delegate = delegate;
        this.verified = verified;
    }

    @Override
    public Mono<Jwt> decode(String token) throws JwtException {
        Jwt known = verified.get(token);
        if (known != null) {
            return Mono.just(known);
        }
        return Mono.defer(() -> delegate.decode(token)).doOnNext(jwt -> verified.put(token, jwt));
    }
}
