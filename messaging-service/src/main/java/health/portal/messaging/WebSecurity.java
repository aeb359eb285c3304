package health.portal.messaging;

import health.portal.platform.security.AccessRules;
import health.portal.platform.security.Caller;
import health.portal.platform.security.servlet.TermsFilter;
import health.portal.platform.security.terms.CurrentTerms;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;

import java.util.List;

/** Who may call what: patients their own routes, staff the clinic's (clinicians write, the front desk sorts). */
@Configuration(proxyBeanMethods = false)
class WebSecurity {

    @Bean
    AccessRules accessRules() {
        return rules -> rules.requestMatchers(
                        "/api/messages/**", "/api/messages", "/api/questionnaires/**", "/api/questionnaires")
                .hasRole(Caller.ROLE_PATIENT)
                .requestMatchers(HttpMethod.GET, "/internal/staff/messages/**")
                .hasAnyRole(Caller.ROLE_CLINICIAN, Caller.ROLE_FRONT_DESK)
                .requestMatchers(HttpMethod.POST, "/internal/staff/messages/*/reassign")
                .hasAnyRole(Caller.ROLE_CLINICIAN, Caller.ROLE_FRONT_DESK)
                .requestMatchers(
                        "/internal/staff/messages/**", "/internal/staff/messages", "/internal/staff/questionnaires")
                .hasRole(Caller.ROLE_CLINICIAN);
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
