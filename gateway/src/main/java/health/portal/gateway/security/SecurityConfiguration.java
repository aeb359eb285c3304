package health.portal.gateway.security;

import health.portal.gateway.account.AccountActions;
import health.portal.gateway.audit.SecurityEvents;
import health.portal.platform.problem.Problems;
import health.portal.platform.problem.reactive.ReactiveProblems;
import health.portal.platform.security.PortalTokens;
import health.portal.platform.security.VerifiedTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.oidc.web.server.logout.OidcClientInitiatedServerLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.server.DefaultServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.server.WebSessionServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.authentication.logout.HeaderWriterServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.WebSessionServerLogoutHandler;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.header.ClearSiteDataServerHttpHeadersWriter;
import org.springframework.security.web.server.header.ClearSiteDataServerHttpHeadersWriter.Directive;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Who may call what. Two kinds of callers share one chain:
 * <ul>
 * <li>mobile apps send {@code Authorization: Bearer}; the token is checked locally against Keycloak's keys, issuer
 * and audience;</li>
 * <li>browsers sign in through the gateway (backend-for-frontend, authorization code + PKCE); their tokens stay in
 * the server-side session (Redis), the browser only holds an HttpOnly {@code __Host-} session cookie.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    static final String REGISTRATION_ID = "keycloak";

    private static final Set<HttpMethod> SAFE_METHODS =
            Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.TRACE);

    @Bean
    SecurityWebFilterChain securityWebFilterChain(
            ServerHttpSecurity http,
            ManagementPort managementPort,
            ReactiveJwtDecoder jwtDecoder,
            ReactiveClientRegistrationRepository registrations,
            ServerOAuth2AuthorizedClientRepository authorizedClients,
            SecurityProperties properties,
            SecurityEvents securityEvents,
            KeycloakSessionEnd keycloakSessionEnd) {
        ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint(securityEvents);
        ServerAccessDeniedHandler forbidden = (exchange, denied) -> ReactiveProblems.write(
                exchange,
                HttpStatus.FORBIDDEN,
                Problems.FORBIDDEN,
                "Forbidden",
                denied instanceof org.springframework.security.web.server.csrf.CsrfException
                        ? "Missing or wrong CSRF token (get it from GET /auth/session)."
                        : "You may not do this.",
                null);

        DefaultServerOAuth2AuthorizationRequestResolver authorizationRequests =
                new DefaultServerOAuth2AuthorizationRequestResolver(registrations);
        // PKCE even though portal-web is a confidential client (OAuth 2.1, and required by the realm).
        authorizationRequests.setAuthorizationRequestCustomizer(
                OAuth2AuthorizationRequestCustomizers.withPkce().andThen(alwaysAskForCredentials()));

        OidcClientInitiatedServerLogoutSuccessHandler keycloakLogout =
                new OidcClientInitiatedServerLogoutSuccessHandler(registrations);
        keycloakLogout.setPostLogoutRedirectUri("{baseUrl}" + properties.afterLogoutPath());
        // without an OIDC session (nothing to end at Keycloak) straight back to the portal, not to /login?logout
        keycloakLogout.setLogoutSuccessUrl(URI.create(properties.afterLogoutPath()));
        keycloakLogout.setRedirectStrategy(new SignOutRedirectStrategy());

        RedirectServerAuthenticationSuccessHandler afterLogin =
                new RedirectServerAuthenticationSuccessHandler(properties.afterLoginPath());

        http.authorizeExchange(authorize -> authorize
                        // internal port: reachable only from the cluster network (management.server.address)
                        .matchers(exchange ->
                                managementPort.matches(exchange) ? MatchResult.match() : MatchResult.notMatch())
                        .permitAll()
                        .pathMatchers("/actuator/health", "/actuator/health/**")
                        .permitAll()
                        // never routed from the public side: let them fall through to 404
                        .pathMatchers("/internal/**", "/actuator/**")
                        .permitAll()
                        .pathMatchers("/api/terms/**", "/api/enrollment/**")
                        .permitAll()
                        .pathMatchers("/v3/api-docs", "/v3/api-docs/**")
                        .permitAll()
                        .pathMatchers("/oauth2/**", "/login/**", "/logout", "/auth/session")
                        .permitAll()
                        // the portal page and its files; what it shows comes from the protected APIs
                        .pathMatchers(HttpMethod.GET, "/", "/index.html", "/portal/**", "/favicon.ico")
                        .permitAll()
                        .pathMatchers("/api/**")
                        .authenticated()
                        .anyExchange()
                        .permitAll())
                .oauth2ResourceServer(resourceServer -> resourceServer
                        .bearerTokenConverter(new BearerTokenConverter())
                        .jwt(jwt -> jwt.jwtDecoder(jwtDecoder))
                        .authenticationEntryPoint(entryPoint))
                .oauth2Login(login -> login.authorizationRequestResolver(AccountActions.around(authorizationRequests))
                        .authorizedClientRepository(authorizedClients)
                        // signed in: from now on the idle timeout, no longer the sign-in allowance
                        .authenticationSuccessHandler((webFilterExchange, authentication) -> webFilterExchange
                                .getExchange()
                                .getSession()
                                .doOnNext(session -> session.setMaxIdleTime(properties.idleTimeout()))
                                .then(csrfTokenNow(webFilterExchange.getExchange()))
                                .then(afterLogin.onAuthenticationSuccess(webFilterExchange, authentication)))
                        .authenticationFailureHandler((webFilterExchange, ex) -> {
                            // the OAuth2 error code only (authorization_request_not_found, invalid_grant, ...): the
                            // reason an operator needs, nothing of the user
                            log.warn("Sign-in failed: {}", signInError(ex));
                            return ReactiveProblems.write(
                                    webFilterExchange.getExchange(),
                                    HttpStatus.UNAUTHORIZED,
                                    "sign-in-failed",
                                    "Sign-in failed",
                                    "The sign-in could not be completed.",
                                    null);
                        }))
                .logout(logout -> logout.logoutUrl("/logout")
                        .logoutHandler(new HeaderWriterServerLogoutHandler(new ClearSiteDataServerHttpHeadersWriter(
                                Directive.CACHE, Directive.COOKIES, Directive.STORAGE)))
                        // The session (security context and tokens with it) is invalidated last: the CSRF logout
                        // handler
                        // Spring adds still writes to it. Then the browser goes to Keycloak to end the SSO session too.
                        // Keycloak's session is ended over the back channel first: the browser may never follow
                        // the front-channel redirect (a closed tab, a script that stops).
                        .logoutSuccessHandler((exchange, authentication) -> exchange.getExchange()
                                .getSession()
                                .flatMap(session -> keycloakSessionEnd.end(session.getAttributes(), "sign-out"))
                                .then(new WebSessionServerLogoutHandler().logout(exchange, authentication))
                                .then(keycloakLogout.onLogoutSuccess(exchange, authentication))))
                // Only cookie-authenticated, state-changing requests can be forged cross-site; bearer calls cannot.
                .csrf(csrf -> csrf.requireCsrfProtectionMatcher(SecurityConfiguration::needsCsrfProtection)
                        .accessDeniedHandler(forbidden))
                .exceptionHandling(exceptions ->
                        exceptions.authenticationEntryPoint(entryPoint).accessDeniedHandler(forbidden))
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .headers(ServerHttpSecurity.HeaderSpec::disable) // SecurityHeadersFilter writes them on every response
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable);
        return http.build();
    }

    /**
     * No observation per security filter, authentication and authorization. Every request is already observed once
     * (http.server.requests and its trace span); the per-filter observations of a chain this long were a fifth of the
     * gateway's CPU under load (docs/benchmarks/gateway-overhead.md) and told an operator nothing the request's own
     * observation, the audit record and the security events do not.
     */
    @Bean
    static SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /**
     * Every sign-in asks for the credentials ({@code prompt=login}), even while Keycloak still holds an SSO session
     * for this browser. The browser only comes here without a gateway session: after sign-out, the idle or absolute
     * timeout, or never signed in; in none of these may a Keycloak cookie stand in for the password, whatever the
     * gateway's and Keycloak's idle timeouts are set to (max_age would have to track the gateway's timeout, and
     * would still let in whoever comes within it). Backs up {@link KeycloakSessionEnd}, which ends that SSO session
     * when it can reach Keycloak.
     */
    static Consumer<OAuth2AuthorizationRequest.Builder> alwaysAskForCredentials() {
        return request -> request.additionalParameters(parameters -> parameters.put("prompt", "login"));
    }

    /**
     * The session's CSRF token, made in the sign-in response if the session has none yet. Spring saves a new token
     * with a new session id (fixation protection); left to the first request after sign-in, that change races the
     * page's other first requests, which still carry the old id: they find no session, start an empty one and its
     * cookie replaces the signed-in one (seen as a sign-in that shows the name and then is gone). Made here, the id
     * changes in the one response that sets the signed-in cookie anyway, and later requests only read the token.
     */
    private static Mono<Void> csrfTokenNow(ServerWebExchange exchange) {
        Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
        return token != null ? token.then() : Mono.empty();
    }

    private static Mono<MatchResult> needsCsrfProtection(org.springframework.web.server.ServerWebExchange exchange) {
        var request = exchange.getRequest();
        boolean unsafe = !SAFE_METHODS.contains(request.getMethod());
        boolean bearer = request.getHeaders().containsHeader(HttpHeaders.AUTHORIZATION);
        boolean sessionCookie = request.getCookies().containsKey(SessionConfiguration.COOKIE_NAME);
        return unsafe && !bearer && sessionCookie ? MatchResult.match() : MatchResult.notMatch();
    }

    /**
     * Access tokens are verified locally: Keycloak's signature (JWKS), expiry, issuer and the API audience; a verified
     * token is remembered until it expires ({@link CachingJwtDecoder}), so an app's requests pay that once per token.
     */
    @Bean
    ReactiveJwtDecoder jwtDecoder(SecurityProperties properties, TokenCacheProperties tokens) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(
                        properties.openIdConnectEndpoint("certs"))
                .build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                PortalTokens.validator(properties.issuerUri(), List.of(properties.audience())),
                new JwtTimestampValidator(tokens.clockSkew())));
        return tokens.cacheSize() > 0
                ? new CachingJwtDecoder(decoder, new VerifiedTokens(tokens.cacheSize(), Clock.systemUTC()))
                : decoder;
    }

    /**
     * The browser client, built without OIDC discovery so that the gateway starts even while Keycloak does not.
     */
    @Bean
    ReactiveClientRegistrationRepository clientRegistrations(SecurityProperties properties) {
        ClientRegistration keycloak = ClientRegistration.withRegistrationId(REGISTRATION_ID)
                .clientId(properties.webClientId())
                .clientSecret(properties.webClientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                .scope("openid")
                .issuerUri(properties.issuerUri())
                .authorizationUri(properties.openIdConnectEndpoint("auth"))
                .tokenUri(properties.openIdConnectEndpoint("token"))
                .jwkSetUri(properties.openIdConnectEndpoint("certs"))
                .userInfoUri(properties.openIdConnectEndpoint("userinfo"))
                .userNameAttributeName(IdTokenClaimNames.SUB)
                .providerConfigurationMetadata(Map.of(
                        "end_session_endpoint",
                        URI.create(properties.openIdConnectEndpoint("logout")).toString()))
                .clientName("Keycloak")
                .build();
        return new InMemoryReactiveClientRegistrationRepository(keycloak);
    }

    /** Tokens live in the (Redis) web session, so any replica can serve the browser. */
    @Bean
    ServerOAuth2AuthorizedClientRepository authorizedClientRepository() {
        return new WebSessionServerOAuth2AuthorizedClientRepository();
    }

    /** A session's access token is refreshed when it has less than this to live. */
    private static final Duration REFRESH_MARGIN = Duration.ofSeconds(30);

    /** Used by TokenRelay and the records API: hands out the session's access token, refreshed when near expiry. */
    @Bean
    ReactiveOAuth2AuthorizedClientManager authorizedClientManager(
            ReactiveClientRegistrationRepository registrations, ServerOAuth2AuthorizedClientRepository repository) {
        ReactiveOAuth2AuthorizedClientProvider provider = ReactiveOAuth2AuthorizedClientProviderBuilder.builder()
                .authorizationCode()
                .refreshToken(refresh -> refresh.clockSkew(REFRESH_MARGIN))
                .build();
        DefaultReactiveOAuth2AuthorizedClientManager manager =
                new DefaultReactiveOAuth2AuthorizedClientManager(registrations, repository);
        manager.setAuthorizedClientProvider(provider);
        return new SingleRefreshAuthorizedClientManager(manager, repository, REFRESH_MARGIN, Clock.systemUTC());
    }

    private static String signInError(AuthenticationException e) {
        return e instanceof OAuth2AuthenticationException oauth
                ? oauth.getError().getErrorCode()
                : e.getClass().getSimpleName();
    }
}
