package health.portal.gateway.terms;

import health.portal.gateway.web.SignedInCaller;
import health.portal.platform.security.terms.TermsRule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * After identity-service took a browser patient's acceptance, the session's tokens are refreshed before the answer
 * goes out, so that the next request carries the new {@code terms_version} without a new sign-in. Apps refresh their
 * own token (the problem's detail says so).
 */
@Component
class RefreshAfterAcceptance implements WebFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(RefreshAfterAcceptance.class);

    private final SessionAccessToken sessionTokens;

    RefreshAfterAcceptance(SessionAccessToken sessionTokens) {
        this.sessionTokens = sessionTokens;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!HttpMethod.POST.equals(exchange.getRequest().getMethod())
                || !TermsRule.ACCEPTANCE_PATH.equals(
                        exchange.getRequest().getPath().pathWithinApplication().value())
                || !SignedInCaller.isBrowser(exchange)) {
            return chain.filter(exchange);
        }
        exchange.getResponse().beforeCommit(() -> {
            var status = exchange.getResponse().getStatusCode();
            if (status == null || !status.is2xxSuccessful()) {
                return Mono.empty();
            }
            return sessionTokens.refreshNow(exchange).onErrorResume(ex -> {
                // the acceptance stands; the session's token is refreshed when it nears expiry
                log.warn("Refreshing a session's tokens after a terms acceptance failed: {}", ex.toString());
                return Mono.empty();
            });
        });
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return -70;
    }
}
