package health.portal.emr.sandbox.faults;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Applies {@link Faults} in front of the FHIR servlet. */
public final class FaultFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    static final String FHIR_JSON = "application/fhir+json;charset=UTF-8";
    /** Cut off mid-way: no JSON parser accepts it. */
    static final String MALFORMED_BODY =
            "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":{";

    private final transient Faults faults;

    public FaultFilter(Faults faults) {
        this.faults = faults;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getPathInfo() == null
                ? request.getServletPath()
                : request.getServletPath() + request.getPathInfo();
        if (path.equals("/fhir/metadata")) {
            chain.doFilter(request, response);
            return;
        }
        long delay = faults.delay().toMillis();
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (faults.ignoresPatientFilter()) {
            request = new WithoutPatientFilter(request);
        }
        switch (faults.next()) {
            case FAIL ->
                write(
                        response,
                        500,
                        "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                                + "\"code\":\"exception\",\"diagnostics\":\"Injected failure (emr-sandbox fault switch)\"}]}");
            case INVALID -> write(response, 200, MALFORMED_BODY);
            case PASS -> chain.doFilter(request, response);
        }
    }

    private static void write(HttpServletResponse response, int status, String body) throws IOException {
        response.setStatus(status);
        response.setContentType(FHIR_JSON);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
