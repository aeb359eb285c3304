package health.portal.identity.keycloak;

import health.portal.platform.problem.FieldProblem;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Keycloak's refusals of account data, as field errors a patient can act on. */
final class KeycloakRefusals {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private KeycloakRefusals() {}

    static RuntimeException rejectedUser(int status, String body) {
        if (status == 409) {
            String message = describe(body, "");
            if (message.toLowerCase(Locale.ROOT).contains("email")) {
                return new AccountRejectedException(
                        List.of(new FieldProblem("email", "This e-mail address is already used by another account.")));
            }
            return new AccountRejectedException(List.of(new FieldProblem("username", "This user ID is taken.")));
        }
        if (status == 400) {
            List<FieldProblem> errors = new ArrayList<>();
            try {
                JsonNode root = JSON.readTree(body);
                List<JsonNode> items = new ArrayList<>();
                if (root.has("errors")) {
                    root.get("errors").forEach(items::add);
                } else {
                    items.add(root);
                }
                for (JsonNode item : items) {
                    String field = item.path("field").asString("");
                    errors.add(new FieldProblem(
                            field.isEmpty() ? "username" : field,
                            friendly(item.path("errorMessage").asString("invalid value"))));
                }
            } catch (RuntimeException e) {
                errors.add(new FieldProblem("username", "The account data was refused."));
            }
            return new AccountRejectedException(errors);
        }
        return new IllegalStateException("Keycloak refused to create a user: HTTP " + status);
    }

    static AccountRejectedException rejectedPassword(String body) {
        return new AccountRejectedException(List.of(
                new FieldProblem("password", describe(body, "The password does not meet the password policy."))));
    }

    private static String friendly(String keycloakMessage) {
        return switch (keycloakMessage) {
            case "invalidEmailMessage", "error-invalid-email" -> "Enter a valid e-mail address.";
            case "error-username-invalid-character", "error-person-name-invalid-character" ->
                "Contains characters that are not allowed.";
            case "error-invalid-length" -> "Has an invalid length.";
            default -> keycloakMessage;
        };
    }

    /** Keycloak's human-readable explanation from an error body. */
    private static String describe(String body, String fallback) {
        try {
            JsonNode root = JSON.readTree(body);
            for (String key : List.of("error_description", "errorMessage", "error")) {
                if (root.hasNonNull(key) && !root.get(key).asString().isBlank()) {
                    return root.get(key).asString();
                }
            }
        } catch (RuntimeException e) {
            // not JSON: fall through
        }
        return fallback;
    }
}
