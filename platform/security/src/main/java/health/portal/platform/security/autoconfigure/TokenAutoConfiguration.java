package health.portal.platform.security.autoconfigure;

import health.portal.platform.security.CachingJwtDecoder;
import health.portal.platform.security.PortalTokens;
import health.portal.platform.security.TokenProperties;
import health.portal.platform.security.VerifiedTokens;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import java.time.Clock;

/**
 * The access-token decoder of every servlet and gRPC service (issuer, audience, signature, expiry); runs before
 * Spring Boot's, which would check the audience only when told to.
 */
@AutoConfiguration(
        beforeName =
                "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration")
@ConditionalOnClass(NimbusJwtDecoder.class)
@ConditionalOnProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri")
@EnableConfigurationProperties(TokenProperties.class)
public class TokenAutoConfiguration {

    /**
     * Verified tokens are remembered until they expire ({@link VerifiedTokens}); {@code
     * portal.security.tokens.cache-size} bounds how many (0 verifies every call anew).
     */
    @Bean
    @ConditionalOnMissingBean
    JwtDecoder portalJwtDecoder(
            TokenProperties tokens, @Value("${portal.security.tokens.cache-size:10000}") int cacheSize) {
        JwtDecoder decoder = PortalTokens.decoder(tokens.issuerUri(), tokens.jwkSetUri(), tokens.audiences());
        return cacheSize > 0
                ? new CachingJwtDecoder(decoder, new VerifiedTokens(cacheSize, Clock.systemUTC()))
                : decoder;
    }
}
