package health.portal.gateway.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.session.CookieWebSessionIdResolver;
import org.springframework.web.server.session.WebSessionIdResolver;

import java.time.Duration;

/**
 * Browser sessions live in Redis (Spring Session), so every replica serves every browser. The cookie is
 * {@code __Host-} prefixed (Secure, Path=/, no Domain), HttpOnly and SameSite=Lax (Lax, not Strict: the browser
 * must send it when Keycloak redirects back after sign-in).
 */
@Configuration(proxyBeanMethods = false)
class SessionConfiguration {

    static final String COOKIE_NAME = "__Host-SESSION";

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
