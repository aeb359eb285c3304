package health.portal.platform.security.autoconfigure;

import health.portal.platform.security.PortalTokens;
import health.portal.platform.security.TokenProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

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

    @Bean
    @ConditionalOnMissingBean
    JwtDecoder portalJwtDecoder(TokenProperties tokens) {
        return PortalTokens.decoder(tokens.issuerUri(), tokens.jwkSetUri(), tokens.audiences());
    }
}
