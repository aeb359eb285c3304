package health.portal.gateway.web;

import health.portal.platform.security.Caller;
import org.springframework.web.server.ServerWebExchange;

/**
 * Who is calling in this request, as the security filters found out (the platform's {@link Caller}); read by the
 * checks and the audit that run after them. Kept apart from the security package so that those features depend on
 * this small fact, not on each other.
 */
public final class SignedInCaller {

    private static final String CALLER = Caller.class.getName();
    private static final String BROWSER = SignedInCaller.class.getName() + ".browser";

    private SignedInCaller() {}

    /** The signed-in caller of this request, or null before sign-in. */
    public static Caller of(ServerWebExchange exchange) {
        return exchange.getAttribute(CALLER);
    }

    /** Signed in through a gateway session rather than with a bearer token. */
    public static boolean isBrowser(ServerWebExchange exchange) {
        return Boolean.TRUE.equals(exchange.getAttribute(BROWSER));
    }

    public static void remember(ServerWebExchange exchange, Caller caller, boolean browser) {
        exchange.getAttributes().put(CALLER, caller);
        exchange.getAttributes().put(BROWSER, browser);
    }
}
