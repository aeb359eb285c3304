package health.portal.emr.sandbox.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Actuator-style health at {@code /actuator/health}. The server starts listening only after the data are
 * loaded, so once it answers the sandbox is ready.
 */
public final class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final byte[] UP = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(200);
        response.setContentType("application/vnd.spring-boot.actuator.v3+json");
        response.setContentLength(UP.length);
        response.getOutputStream().write(UP);
    }
}
