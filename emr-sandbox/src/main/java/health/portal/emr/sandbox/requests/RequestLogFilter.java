package health.portal.emr.sandbox.requests;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Writes every FHIR request into the {@link RequestLog} once answered, faults included (it runs before them). */
public final class RequestLogFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    private final transient RequestLog log;

    public RequestLogFilter(RequestLog log) {
        this.log = log;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getPathInfo() == null
                ? request.getServletPath()
                : request.getServletPath() + request.getPathInfo();
        long received = System.nanoTime();
        log.received();
        try {
            chain.doFilter(request, response);
        } finally {
            log.answered(new RequestLog.Entry(
                    request.getMethod(),
                    path,
                    request.getQueryString(),
                    response.getStatus(),
                    received,
                    System.nanoTime()));
        }
    }
}
