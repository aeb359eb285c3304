package health.portal.identity.web;

import jakarta.servlet.http.HttpServletRequest;

/** Where a request came from, as recorded with consents and in the access log. */
public record ClientInfo(String ip, String userAgent) {

    public static ClientInfo of(HttpServletRequest request) {
        // remote address is the client's thanks to server.forward-headers-strategy=framework behind the gateway
        String ua = request.getHeader("User-Agent");
        if (ua != null && ua.length() > 512) {
            ua = ua.substring(0, 512);
        }
        return new ClientInfo(request.getRemoteAddr(), ua);
    }
}
