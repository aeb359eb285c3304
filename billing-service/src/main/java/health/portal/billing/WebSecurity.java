package health.portal.billing;

import health.portal.platform.security.AccessRules;
import health.portal.platform.security.Caller;
import health.portal.platform.security.servlet.TermsFilter;
import health.portal.platform.security.terms.CurrentTerms;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Who may call what: patients their own billing, the billing office (staff sign-in with a second factor) the staff
 * routes, the hospital's billing system (its client-credentials token) the postings.
 */
@Configuration(proxyBeanMethods = false)
class WebSecurity {

    @Bean
    AccessRules accessRules(@Value("${billing.posting.clients:billing-system}") Set<String> postingClients) {
        return rules -> rules.requestMatchers("/api/billing/**")
                .hasRole(Caller.ROLE_PATIENT)
                .requestMatchers("/internal/staff/billing/**")
                .hasRole(Caller.ROLE_BILLING_OFFICE)
                .requestMatchers(HttpMethod.POST, "/internal/billing/postings")
                .access(tokenWhere(jwt -> postingClients.contains(Caller.of(jwt).clientId())));
    }

    private static AuthorizationManager<RequestAuthorizationContext> tokenWhere(Predicate<Jwt> rule) {
        return (authentication, context) -> new AuthorizationDecision(
                authentication.get() instanceof JwtAuthenticationToken token && rule.test(token.getToken()));
    }

    /** Patients without the current terms get none of their routes (the gateway refuses them first). */
    @Bean
    FilterRegistrationBean<TermsFilter> termsFilter(CurrentTerms currentTerms) {
        FilterRegistrationBean<TermsFilter> registration =
                new FilterRegistrationBean<>(new TermsFilter(currentTerms, List.of("/api/")));
        registration.setOrder(Ordered.LOWEST_PRECEDENCE);
        return registration;
    }
}
