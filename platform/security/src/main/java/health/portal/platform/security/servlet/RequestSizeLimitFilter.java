package health.portal.platform.security.servlet;

import health.portal.platform.problem.Problems;
import health.portal.platform.problem.servlet.ServletProblems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Refuses request bodies larger than the service needs ({@code portal.web.max-request-body}, 128 KiB unless a service
 * says otherwise) before anything buffers them; a chunked body of unknown length is refused too.
 */
public class RequestSizeLimitFilter extends OncePerRequestFilter {

    private final long maxBody;
    private final String readable;

    public RequestSizeLimitFilter(DataSize maxBody) {
        this.maxBody = maxBody.toBytes();
        this.readable = maxBody.toKilobytes() + " KiB";
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length > maxBody || (length < 0 && request.getHeader("Transfer-Encoding") != null)) {
            ServletProblems.write(
                    response,
                    Problems.problem(
                            HttpStatus.CONTENT_TOO_LARGE,
                            Problems.REQUEST_TOO_LARGE,
                            "Request too large",
                            "The request body is larger than " + readable + "."));
            return;
        }
        chain.doFilter(request, response);
    }
}
