package health.portal.gateway.ratelimit;

import org.springframework.web.server.ServerWebExchange;

/**
 * The user's counter as {@link AddressRateLimitFilter} counted it together with the others in the request's one
 * Redis round trip, kept on the exchange for {@link UserRateLimitFilter}, which applies it after authentication.
 */
record UserCount(String subject, RateLimits.Verdict verdict) {

    private static final String ATTRIBUTE = UserCount.class.getName();

    static void remember(ServerWebExchange exchange, String subject, RateLimits.Verdict verdict) {
        exchange.getAttributes().put(ATTRIBUTE, new UserCount(subject, verdict));
    }

    /** The count for this subject, or null when it was not counted yet (another credential, or none was seen). */
    static UserCount of(ServerWebExchange exchange, String subject) {
        UserCount counted = exchange.getAttribute(ATTRIBUTE);
        return counted != null && counted.subject().equals(subject) ? counted : null;
    }
}
