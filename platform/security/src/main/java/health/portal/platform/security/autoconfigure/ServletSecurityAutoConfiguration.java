package health.portal.platform.security.autoconfigure;

import health.portal.platform.security.AccessRules;
import health.portal.platform.security.Caller;
import health.portal.platform.security.servlet.ProblemSecurityHandler;
import health.portal.platform.security.servlet.RequestSizeLimitFilter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.util.unit.DataSize;

import java.util.Collection;

/**
 * Every servlet service is an OAuth2 resource server the same way: bearer tokens only (no sessions, so no CSRF),
 * realm roles as {@code ROLE_<role>} authorities, 401 and 403 as problems, health and the API description open, the
 * service's {@link AccessRules} next, and everything else refused. Request bodies are capped before anything reads
 * them.
 */
@AutoConfiguration(
        after = TokenAutoConfiguration.class,
        beforeName = {
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration"
        })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({HttpSecurity.class, JwtAuthenticationConverter.class})
@EnableWebSecurity
public class ServletSecurityAutoConfiguration {

    /**
     * Probes, the API description, Prometheus' scrape and the SBOM are open: the gateway routes none of them from
     * outside, metrics carry counts and identifiers of nothing (the platform's alert rules read them), and the SBOM
     * names only the libraries in the jar, which the operator compares with advisories when patching.
     */
    static final String[] OPEN = {
        "/actuator/health",
        "/actuator/health/**",
        "/actuator/info",
        "/actuator/prometheus",
        "/actuator/sbom",
        "/actuator/sbom/**",
        "/v3/api-docs",
        "/v3/api-docs/**",
        "/error"
    };

    @Bean
    @ConditionalOnMissingBean(SecurityFilterChain.class)
    @ConditionalOnBean(JwtDecoder.class)
    SecurityFilterChain portalResourceServer(
            HttpSecurity http, JwtDecoder jwtDecoder, ObjectProvider<AccessRules> rules) throws Exception {
        ProblemSecurityHandler problems = new ProblemSecurityHandler();
        return http.authorizeHttpRequests(authorize -> {
                    authorize.requestMatchers(OPEN).permitAll();
                    rules.orderedStream().forEach(service -> service.authorize(authorize));
                    authorize.anyRequest().denyAll();
                })
                .oauth2ResourceServer(server -> server.jwt(jwt -> jwt.decoder(jwtDecoder)
                                .jwtAuthenticationConverter(ServletSecurityAutoConfiguration::authentication))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(exceptions ->
                        exceptions.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // bearer tokens only, never cookies: there is nothing for a cross-site request to ride on
                .csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .build();
    }

    @Bean
    @ConditionalOnMissingBean(name = "portalRequestSizeLimit")
    FilterRegistrationBean<RequestSizeLimitFilter> portalRequestSizeLimit(
            @Value("${portal.web.max-request-body:128KB}") DataSize maxBody) {
        FilterRegistrationBean<RequestSizeLimitFilter> registration =
                new FilterRegistrationBean<>(new RequestSizeLimitFilter(maxBody));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /**
     * Realm roles become {@code ROLE_<name>}, staff roles only for a staff sign-in with a second factor; the
     * principal's name is the subject.
     */
    static AbstractAuthenticationToken authentication(Jwt jwt) {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(ServletSecurityAutoConfiguration::authorities);
        converter.setPrincipalClaimName("sub");
        return converter.convert(jwt);
    }

    static Collection<GrantedAuthority> authorities(Jwt jwt) {
        return Caller.of(jwt).effectiveRoles().stream()
                .map(role -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + role))
                .toList();
    }
}
