package health.portal.gateway.terms;

import health.portal.platform.problem.Problems;
import health.portal.platform.security.terms.TermsRule;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

import java.time.Duration;

/**
 * The gateway's answers when a patient's terms acceptance is missing, the same whether the gateway found out itself
 * or records-service said so (FAILED_PRECONDITION).
 */
public final class TermsProblems {

    static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    private TermsProblems() {}

    /** 403 {@code terms-acceptance-required}, naming the version ({@code currentVersion}) and where to accept it. */
    public static ProblemDetail acceptanceRequired(String currentVersion) {
        ProblemDetail problem = Problems.problem(
                HttpStatus.FORBIDDEN, TermsRule.PROBLEM, TermsRule.TITLE, TermsRule.detail(currentVersion));
        problem.setProperty(TermsRule.CURRENT_VERSION, currentVersion);
        problem.setProperty(TermsRule.ACCEPT_AT, TermsRule.ACCEPTANCE_PATH);
        problem.setProperty("terms", TermsRule.TERMS_PATH);
        return problem;
    }

    public static ErrorResponseException acceptanceRequiredException(String currentVersion) {
        return new ErrorResponseException(HttpStatus.FORBIDDEN, acceptanceRequired(currentVersion), null);
    }

    /** 503 while the current version is not known: a patient's data is never handed out unchecked. */
    static ProblemDetail currentVersionUnknown() {
        return Problems.problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                Problems.UNAVAILABLE,
                "Service temporarily unavailable",
                "Your records are not available right now. Please try again later.");
    }
}
