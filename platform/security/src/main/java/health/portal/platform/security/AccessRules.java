package health.portal.platform.security;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;

/**
 * A servlet service's own access rules, the only security a service declares: which paths are public and which
 * role each needs. The platform adds the rest (token checks, problem answers, health and API docs open, everything
 * not named here refused).
 *
 * <pre>{@code
 * @Bean
 * AccessRules accessRules() {
 *     return rules -> rules.requestMatchers("/api/me/**").hasRole(Caller.ROLE_PATIENT);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface AccessRules {

    void authorize(AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry rules);
}
