package health.portal.identity.keycloak;

import health.portal.platform.problem.FieldProblem;

import java.util.List;

/** Keycloak refused the account data (taken user id or e-mail, password policy, user profile rules). */
public class AccountRejectedException extends RuntimeException {

    private final List<FieldProblem> errors;

    public AccountRejectedException(List<FieldProblem> errors) {
        super("account refused: " + errors.stream().map(FieldProblem::field).toList());
        this.errors = List.copyOf(errors);
    }

    public List<FieldProblem> errors() {
        return errors;
    }
}
