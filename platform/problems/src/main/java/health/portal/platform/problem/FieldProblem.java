package health.portal.platform.problem;

/** One invalid input field in a problem's {@code errors} list: {@code {"field": "password", "message": "..."}}. */
public record FieldProblem(String field, String message) {}
