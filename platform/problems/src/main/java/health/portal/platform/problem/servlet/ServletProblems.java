package health.portal.platform.problem.servlet;

import health.portal.platform.problem.Problems;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

import java.io.IOException;

/** Writes a problem from a servlet filter or a security handler, where no message converter runs. */
public final class ServletProblems {

    private ServletProblems() {}

    public static void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(Problems.json(problem));
    }
}
