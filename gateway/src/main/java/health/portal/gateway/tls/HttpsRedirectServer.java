package health.portal.gateway.tls;

import health.portal.gateway.web.SecurityHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import java.util.regex.Pattern;

/**
 * The plain-HTTP listener (8080): it serves nothing, it only sends every request to the same path over HTTPS.
 */
public class HttpsRedirectServer implements SmartLifecycle, ApplicationListener<WebServerInitializedEvent> {

    private static final Logger log = LoggerFactory.getLogger(HttpsRedirectServer.class);

    /** A host header we are willing to echo back in the Location (no user-info, no odd characters). */
    private static final Pattern SAFE_HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");

    private final TlsProperties properties;

    private volatile int httpsPort;

    private volatile DisposableServer server;

    HttpsRedirectServer(TlsProperties properties) {
        this.properties = properties;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() == null) {
            this.httpsPort = properties.publicHttpsPort() > 0
                    ? properties.publicHttpsPort()
                    : event.getWebServer().getPort();
        }
    }

    @Override
    public void start() {
        if (properties.redirectPort() < 0) {
            return;
        }
        this.server = HttpServer.create()
                .host(properties.redirectAddress())
                .port(properties.redirectPort())
                .handle((request, response) -> {
                    String host = hostWithoutPort(request.requestHeaders().get(HttpHeaderNames.HOST));
                    String portSuffix = httpsPort == 443 ? "" : ":" + httpsPort;
                    HttpHeaders headers = new HttpHeaders();
                    SecurityHeaders.apply(headers, false);
                    headers.forEach((name, values) -> response.header(name, String.join(", ", values)));
                    return response.status(HttpStatus.PERMANENT_REDIRECT.value())
                            .header(HttpHeaderNames.LOCATION, "https://" + host + portSuffix + request.uri())
                            .header(HttpHeaderNames.CONTENT_LENGTH, "0")
                            .send();
                })
                .bindNow();
        log.info("HTTP port {} redirects to HTTPS", server.port());
    }

    private String hostWithoutPort(String hostHeader) {
        String fallback = properties.hostnames().getFirst();
        if (hostHeader == null) {
            return fallback;
        }
        String host = hostHeader.startsWith("[")
                ? hostHeader.substring(0, hostHeader.indexOf(']') + 1)
                : hostHeader.replaceFirst(":\\d*$", "");
        return SAFE_HOST.matcher(host).matches() ? host : fallback;
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        DisposableServer current = this.server;
        return current == null ? -1 : current.port();
    }

    @Override
    public void stop() {
        DisposableServer current = this.server;
        if (current != null) {
            current.disposeNow();
            this.server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }
}
