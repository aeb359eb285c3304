package health.portal.gateway.web;

import org.springframework.http.HttpHeaders;

/** The headers every response carries, success or error, proxied or generated here. */
public final class SecurityHeaders {

    /** Nothing of ours is ever rendered in a frame, runs scripts from elsewhere or is cached. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; "
            + "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
            + "base-uri 'none'; object-src 'none'; frame-ancestors 'none'; upgrade-insecure-requests";

    public static final String PERMISSIONS_POLICY = "accelerometer=(), autoplay=(), camera=(), display-capture=(), "
            + "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
            + "interest-cohort=()";

    public static final String STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains";

    private SecurityHeaders() {}

    public static void apply(HttpHeaders headers, boolean secure) {
        headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
        headers.set(HttpHeaders.PRAGMA, "no-cache");
        headers.set(HttpHeaders.EXPIRES, "0");
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Permissions-Policy", PERMISSIONS_POLICY);
        headers.set("Cross-Origin-Opener-Policy", "same-origin");
        headers.set("Cross-Origin-Resource-Policy", "same-origin");
        if (secure) {
            headers.set("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
        }
        // Downstream services must not reveal what they run on.
        headers.remove("Server");
        headers.remove("X-Powered-By");
    }
}
