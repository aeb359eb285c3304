package health.portal.emr.sandbox.admin;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code /admin/availability}: POST {@code ?practitioner=pcp-lee&start=2026-01-01T00:00:00Z&end=...} (end optional:
 * open-ended) makes the practitioner away in that window; DELETE {@code ?practitioner=pcp-lee} makes them available.
 * For tests that drive a sandbox running as its own process.
 */
public final class AvailabilityServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private final transient Availability availability;

    public AvailabilityServlet(Availability availability) {
        this.availability = availability;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            Instant start = instant(request, "start", true);
            answer(response, availability.setAway(practitioner(request), start, instant(request, "end", false)));
        } catch (IllegalArgumentException e) {
            problem(response, e.getMessage());
        }
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            answer(response, availability.clear(practitioner(request)));
        } catch (IllegalArgumentException e) {
            problem(response, e.getMessage());
        }
    }

    private static String practitioner(HttpServletRequest request) {
        String id = request.getParameter("practitioner");
        if (id == null || !id.matches("[A-Za-z0-9\\-.]{1,64}")) {
            throw new IllegalArgumentException("practitioner must be a Practitioner id");
        }
        return id;
    }

    private static Instant instant(HttpServletRequest request, String name, boolean required) {
        String value = request.getParameter(name);
        if (value == null || value.isBlank()) {
            if (required) {
                throw new IllegalArgumentException(name + " is required (an ISO-8601 instant)");
            }
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 instant such as 2026-01-01T00:00:00Z");
        }
    }

    private static void answer(HttpServletResponse response, int roles) throws IOException {
        if (roles == 0) {
            problem(response, "the practitioner has no PractitionerRole");
            return;
        }
        write(response, 200, "application/json", "{\"rolesChanged\":" + roles + "}");
    }

    private static void problem(HttpServletResponse response, String detail) throws IOException {
        write(
                response,
                400,
                "application/problem+json",
                "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,\"detail\":\""
                        + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
    }

    private static void write(HttpServletResponse response, int status, String type, String body) throws IOException {
        response.setStatus(status);
        response.setContentType(type);
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
