package health.portal.infra.keycloak;

import java.net.CookieHandler;
import java.net.HttpCookie;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A browser's cookie jar for local plain-HTTP servers: keeps every cookie per host and sends it back, including
 * those marked Secure (the JDK's CookieManager withholds them over http, which Keycloak's login needs locally).
 */
final class LoopbackCookieJar extends CookieHandler {

    private final Map<String, Map<String, String>> cookiesByHost = new ConcurrentHashMap<>();

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
        Map<String, String> cookies = cookiesByHost.getOrDefault(uri.getHost(), Map.of());
        if (cookies.isEmpty()) {
            return Map.of();
        }
        StringBuilder header = new StringBuilder();
        cookies.forEach((name, value) -> header.append(header.isEmpty() ? "" : "; ")
                .append(name)
                .append('=')
                .append(value));
        return Map.of("Cookie", List.of(header.toString()));
    }

    @Override
    public void put(URI uri, Map<String, List<String>> responseHeaders) {
        responseHeaders.forEach((name, values) -> {
            if (name != null && name.equalsIgnoreCase("Set-Cookie")) {
                for (String value : values) {
                    for (HttpCookie cookie : HttpCookie.parse(value)) {
                        Map<String, String> jar =
                                cookiesByHost.computeIfAbsent(uri.getHost(), h -> new ConcurrentHashMap<>());
                        if (cookie.getMaxAge() == 0 || cookie.getValue().isEmpty()) {
                            jar.remove(cookie.getName());
                        } else {
                            jar.put(cookie.getName(), cookie.getValue());
                        }
                    }
                }
            }
        });
    }
}
