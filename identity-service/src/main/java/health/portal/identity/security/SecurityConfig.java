package health.portal.identity.security;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** OAuth2 resource server: patient endpoints need realm role {@code patient}, staff endpoints {@code staff}. */
@Configuration
public class SecurityConfig {

    @Bean
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(auth -> auth.requestMatchers("/api/enrollment", "/api/enrollment/**")
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/terms/current")
                        .permitAll()
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/actuator/health/**", "/error")
                        .permitAll()
                        .requestMatchers("/api/me", "/api/me/**")
                        .hasRole("patient")
                        .requestMatchers("/internal/staff/**")
                        .hasRole("staff")
                        .anyRequest()
                        .denyAll())
                .oauth2ResourceServer(rs -> rs.jwt(jwt -> jwt.jwtAuthenticationConverter(realmRoles()))
                        .authenticationEntryPoint(problem(
                                new BearerTokenAuthenticationEntryPoint(),
                                401,
                                "unauthenticated",
                                "Authentication required",
                                "A valid bearer token is required."))
                        .accessDeniedHandler(problem(
                                new BearerTokenAccessDeniedHandler(),
                                403,
                                "forbidden",
                                "Forbidden",
                                "Your role does not allow this request.")))
                .exceptionHandling(e -> e.authenticationEntryPoint(problem(
                                new BearerTokenAuthenticationEntryPoint(),
                                401,
                                "unauthenticated",
                                "Authentication required",
                                "A valid bearer token is required."))
                        .accessDeniedHandler(problem(
                                new BearerTokenAccessDeniedHandler(),
                                403,
                                "forbidden",
                                "Forbidden",
                                "Your role does not allow this request.")))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // bearer tokens only, no cookies: CSRF does not apply
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    /** Keeps Spring's WWW-Authenticate header and adds an RFC 9457 body. */
    private static ProblemHandler problem(Object delegate, int status, String type, String title, String detail) {
        return new ProblemHandler(delegate, status, type, title, detail);
    }

    static final class ProblemHandler implements AuthenticationEntryPoint, AccessDeniedHandler {
        private final Object delegate;
        private final int status;
        private final String body;

        ProblemHandler(Object delegate, int status, String type, String title, String detail) {
            this.delegate = delegate;
            this.status = status;
            this.body = "{\"type\":\"https://portal.health/problems/" + type + "\",\"title\":\"" + title
                    + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\"}";
        }

        @Override
        public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
                throws IOException, ServletException {
            ((AuthenticationEntryPoint) delegate).commence(request, response, e);
            write(response);
        }

        @Override
        public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
                throws IOException, ServletException {
            ((AccessDeniedHandler) delegate).handle(request, response, e);
            write(response);
        }

        private void write(HttpServletResponse response) throws IOException {
            response.setStatus(status);
            response.setContentType("application/problem+json");
            response.getWriter().write(body);
        }
    }

    /** Realm roles from {@code realm_access.roles} become {@code ROLE_<name>} authorities. */
    static Converter<Jwt, AbstractAuthenticationToken> realmRoles() {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(SecurityConfig::authorities);
        converter.setPrincipalClaimName("sub");
        return converter;
    }

    static Collection<GrantedAuthority> authorities(Jwt jwt) {
        Map<String, Object> realmAccess = jwt.getClaimAsMap("realm_access");
        if (realmAccess == null || !(realmAccess.get("roles") instanceof List<?> roles)) {
            return List.of();
        }
        return roles.stream()
                .map(r -> (GrantedAuthority) new SimpleGrantedAuthority("ROLE_" + r))
                .toList();
    }
}
