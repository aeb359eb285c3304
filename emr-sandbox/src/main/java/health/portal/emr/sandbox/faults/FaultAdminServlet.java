package health.portal.emr.sandbox.faults;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code /admin/faults}: GET shows the switches; POST {@code ?fail=N&invalid=N&delayMs=D&ignorePatientFilter=true}
 * sets the given ones;
 * DELETE resets. Meant for tests that drive a sandbox running as its own process.
 */
public final class FaultAdminServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private final transient Faults faults;

    public FaultAdminServlet(Faults faults) {
        this.faults = faults;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        state(response, 200);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            Integer fail = number(request, "fail");
            Integer invalid = number(request, "invalid");
            Integer delay = number(request, "delayMs");
            Boolean ignorePatientFilter = flag(request, "ignorePatientFilter");
            if (fail == null && invalid == null && delay == null && ignorePatientFilter == null) {
                problem(response, "Give at least one of fail, invalid, delayMs, ignorePatientFilter");
                return;
            }
            if (ignorePatientFilter != null) {
                faults.ignorePatientFilter(ignorePatientFilter);
            }
            if (fail != null) {
                faults.failNext(fail);
            }
            if (invalid != null) {
                faults.answerInvalidNext(invalid);
            }
            if (delay != null) {
                faults.delayEveryAnswer(Duration.ofMillis(delay));
            }
        } catch (IllegalArgumentException e) {
            problem(response, e.getMessage());
            return;
        }
        state(response, 200);
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        faults.reset();
        state(response, 200);
    }

    private static Integer number(HttpServletRequest request, String name) {
        String value = request.getParameter(name);
        if (value == null) {
            return null;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
        }
    }

    private static Boolean flag(HttpServletRequest request, String name) {
        String value = request.getParameter(name);
        if (value == null) {
            return null;
        }
        return switch (value.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
        };
    }

    private void state(HttpServletResponse response, int status) throws IOException {
        write(
                response,
                status,
                "application/json",
                "{\"fail\":" + faults.pendingFailures() + ",\"invalid\":" + faults.pendingInvalidAnswers()
                        + ",\"delayMs\":" + faults.delay().toMillis() + ",\"ignorePatientFilter\":"
                        + faults.ignoresPatientFilter() + "}");
    }

    private static void problem(HttpServletResponse response, String detail) throws IOException {
        write(
                response,
                400,
                "application/problem+json",
                "{\"type\":\"about:blank\",\"title\":\"Bad Request\"," + "\"status\":400,\"detail\":\""
                        + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
    }

    private static void write(HttpServletResponse response, int status, String type, String body) throws IOException {
        response.setStatus(status);
        response.setContentType(type);
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
