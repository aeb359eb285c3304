package health.portal.gateway.portal;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.MethodNotAllowedException;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The patient web page: one HTML page, one script, one style sheet and the icon, all from {@code classpath:/portal/}
 * and public (the data they show comes from the signed-in APIs). An explicit list rather than a resource folder, so
 * the gateway serves exactly these files and nothing else that happens to be on the class path. The security headers
 * ({@code Cache-Control: no-store}, CSP, ...) are added to them like to every response.
 */
@Configuration(proxyBeanMethods = false)
class PortalPages {

    private static final MediaType HTML = MediaType.parseMediaType("text/html;charset=UTF-8");

    private static final MediaType JAVASCRIPT = MediaType.parseMediaType("text/javascript;charset=UTF-8");

    private static final MediaType CSS = MediaType.parseMediaType("text/css;charset=UTF-8");

    private static final MediaType ICON = MediaType.parseMediaType("image/x-icon");

    @Bean
    RouterFunction<ServerResponse> portalPageRoutes() {
        Map<String, Page> pages = new LinkedHashMap<>();
        pages.put("/", Page.load("portal/index.html", HTML));
        pages.put("/index.html", pages.get("/"));
        pages.put("/portal/portal.js", Page.load("portal/portal.js", JAVASCRIPT));
        pages.put("/portal/portal-messages.js", Page.load("portal/portal-messages.js", JAVASCRIPT));
        pages.put("/portal/portal-questionnaires.js", Page.load("portal/portal-questionnaires.js", JAVASCRIPT));
        pages.put("/portal/portal-billing.js", Page.load("portal/portal-billing.js", JAVASCRIPT));
        pages.put("/portal/portal-appointments.js", Page.load("portal/portal-appointments.js", JAVASCRIPT));
        pages.put("/portal/portal-results.js", Page.load("portal/portal-results.js", JAVASCRIPT));
        pages.put("/portal/portal-visits.js", Page.load("portal/portal-visits.js", JAVASCRIPT));
        pages.put("/portal/portal-documents.js", Page.load("portal/portal-documents.js", JAVASCRIPT));
        pages.put("/portal/portal.css", Page.load("portal/portal.css", CSS));
        pages.put("/favicon.ico", Page.load("portal/favicon.ico", ICON));
        RouterFunctions.Builder routes = RouterFunctions.route();
        // HEAD like GET (WebFlux sends the headers and drops the body): link checkers and monitors probe with HEAD
        pages.forEach((path, page) -> {
            HandlerFunction<ServerResponse> serve =
                    request -> ServerResponse.ok().contentType(page.type()).bodyValue(page.content());
            routes.GET(path, serve)
                    .HEAD(path, serve)
                    .route(
                            RequestPredicates.path(path),
                            request -> Mono.error(new MethodNotAllowedException(
                                    request.method(), Set.of(HttpMethod.GET, HttpMethod.HEAD))));
        });
        return routes.build();
    }

    /** Read once at start-up: a missing file stops the gateway from starting instead of answering 404 later. */
    private record Page(byte[] content, MediaType type) {

        static Page load(String location, MediaType type) {
            try (InputStream in = new ClassPathResource(location).getInputStream()) {
                return new Page(in.readAllBytes(), type);
            } catch (IOException ex) {
                throw new UncheckedIOException("Portal page " + location + " is missing", ex);
            }
        }
    }
}
