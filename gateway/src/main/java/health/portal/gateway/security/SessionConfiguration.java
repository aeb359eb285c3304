package health.portal.gateway.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.session.config.ReactiveSessionRepositoryCustomizer;
import org.springframework.session.data.redis.ReactiveRedisIndexedSessionRepository;
import org.springframework.web.server.session.CookieWebSessionIdResolver;
import org.springframework.web.server.session.WebSessionIdResolver;

import java.time.Duration;
import java.util.Map;

/**
 * Browser sessions live in Redis (Spring Session), so every replica serves every browser. The cookie is
 * {@code __Host-} prefixed (Secure, Path=/, no Domain), HttpOnly and SameSite=Lax (Lax, not Strict: the browser
 * must send it when Keycloak redirects back after sign-in).
 * <p>
 * Every value written to Redis is encrypted ({@link EncryptedSessionSerializer}). The repository is Spring Session's
 * indexed one ({@code spring.session.data.redis.repository-type: indexed}): it hears Redis expire an idle session and
 * publishes a {@code SessionExpiredEvent} with the session's last contents, so that {@link KeycloakSessionEnd} can end
 * the patient's Keycloak session too.
 */
@Configuration(proxyBeanMethods = false)
class SessionConfiguration {

    static final String COOKIE_NAME = "__Host-SESSION";

    @Bean
    SessionEncryption sessionEncryption(SessionStoreProperties properties) {
        return SessionEncryption.parse(properties.encryptionKeys());
    }

    /** The bean name is Spring Session's: it replaces the plain Java serialization of session values. */
    @Bean
    RedisSerializer<Object> springSessionDefaultRedisSerializer(SessionEncryption encryption) {
        return new EncryptedSessionSerializer(encryption, SessionConfiguration.class.getClassLoader());
    }

    /**
     * Sessions are read through {@link ReadableSessions}. And no index of sessions by user: nothing looks sessions up
     * by user, and its keys would name the user in plain text.
     */
    @Bean
    ReactiveSessionRepositoryCustomizer<ReactiveRedisIndexedSessionRepository> sessionRepositorySettings() {
        return repository -> {
            repository.setIndexResolver(session -> Map.of());
            repository.setRedisSessionMapper(new ReadableSessions());
        };
    }

    @Bean
    WebSessionIdResolver webSessionIdResolver() {
        CookieWebSessionIdResolver resolver = new CookieWebSessionIdResolver();
        resolver.setCookieName(COOKIE_NAME);
        resolver.setCookieMaxAge(Duration.ofSeconds(-1)); // a browser-session cookie; the server decides expiry
        resolver.addCookieInitializer(
                cookie -> cookie.path("/").secure(true).httpOnly(true).sameSite("Lax"));
        return resolver;
    }
}
