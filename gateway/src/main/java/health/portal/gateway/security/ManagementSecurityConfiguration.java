package health.portal.gateway.security;

import health.portal.platform.problem.Problems;
import health.portal.platform.problem.reactive.ReactiveProblems;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The management port's own chain, ahead of the public one: health probes and the Prometheus scrape stay open to the
 * cluster network; everything else there (the maintenance switch above all) needs the operator's HTTP Basic
 * credential. Stateless: no session, no cookie, so no CSRF either.
 */
@Configuration(proxyBeanMethods = false)
class ManagementSecurityConfiguration {

    static final String ROLE = "OPERATOR";

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain managementSecurityWebFilterChain(
            ServerHttpSecurity http, ManagementPort managementPort, OperatorProperties operator) {
        ServerAuthenticationEntryPoint challenge = (exchange, ex) -> {
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"gateway-management\", charset=\"UTF-8\"");
            return ReactiveProblems.write(
                    exchange,
                    Problems.problem(
                            HttpStatus.UNAUTHORIZED,
                            Problems.UNAUTHENTICATED,
                            "Unauthorized",
                            "The operator credential is missing or wrong."),
                    headers);
        };
        http.securityMatcher(
                        exchange -> managementPort.matches(exchange) ? MatchResult.match() : MatchResult.notMatch())
                .authorizeExchange(authorize -> authorize
                        .pathMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus")
                        .permitAll()
                        .anyExchange()
                        .hasRole(ROLE))
                .httpBasic(basic -> basic.authenticationManager(new OperatorAuthenticationManager(operator))
                        .authenticationEntryPoint(challenge))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(challenge)
                        .accessDeniedHandler((exchange, denied) -> ReactiveProblems.write(
                                exchange, HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Forbidden", null, null)))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .headers(ServerHttpSecurity.HeaderSpec::disable) // SecurityHeadersFilter writes them
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable);
        return http.build();
    }

    /** One configured operator; compared in constant time so the answer's timing tells nothing of the password. */
    private record OperatorAuthenticationManager(OperatorProperties operator) implements ReactiveAuthenticationManager {

        @Override
        public Mono<org.springframework.security.core.Authentication> authenticate(
                org.springframework.security.core.Authentication authentication) {
            String username = authentication.getName();
            Object credentials = authentication.getCredentials();
            boolean userMatches = equal(username == null ? "" : username, operator.username());
            boolean passwordMatches = equal(credentials == null ? "" : credentials.toString(), operator.password());
            if (!(userMatches & passwordMatches)) {
                return Mono.error(new BadCredentialsException("wrong operator credential"));
            }
            return Mono.just(UsernamePasswordAuthenticationToken.authenticated(
                    username, null, AuthorityUtils.createAuthorityList("ROLE_" + ROLE)));
        }

        private static boolean equal(String given, String expected) {
            return MessageDigest.isEqual(
                    given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
        }
    }
}
