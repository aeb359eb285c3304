package health.portal.identity.keycloak;

import health.portal.platform.problem.DependencyUnavailableException;
import health.portal.platform.problem.FieldProblem;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.keycloak.admin.client.CreatedResponseUtil;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.representations.idm.RoleRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Keycloak as identity-service uses it, through the admin REST API. Keycloak stays the judge of its own rules
 * (password policy, user profile); its refusals come back as {@link AccountRejectedException} with field errors.
 */
@Component
public class KeycloakAccounts {

    public static final String PATIENT_ROLE = "patient";
    public static final String PATIENT_ID_ATTRIBUTE = "patient_id";
    /** The system a patient knows Keycloak as, in problems. */
    public static final String SIGN_IN_SERVICE = "The sign-in service";
    private static final Logger log = LoggerFactory.getLogger(KeycloakAccounts.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Keycloak keycloak;
    private final KeycloakProperties properties;

    public KeycloakAccounts(Keycloak keycloak, KeycloakProperties properties) {
        this.keycloak = keycloak;
        this.properties = properties;
    }

    private RealmResource realm() {
        return keycloak.realm(properties.realm());
    }

    /** A bearer token of identity-service's own service account (client credentials), refreshed as needed. */
    public String serviceToken() {
        return call(() -> keycloak.tokenManager().getAccessTokenString());
    }

    public boolean usernameExists(String username) {
        return call(() -> !realm().users().searchByUsername(username, true).isEmpty());
    }

    /**
     * Creates an enabled patient user with the password, attribute {@code patient_id} and realm role
     * {@code patient}. Either all of it happens or the user is removed again.
     *
     * @return the new user's id (the tokens' subject)
     */
    public String createPatientUser(String username, String email, String password, String patientId) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEmail(email);
        user.setEnabled(true);
        user.setEmailVerified(false);
        user.setAttributes(Map.of(PATIENT_ID_ATTRIBUTE, List.of(patientId)));
        String userId = call(() -> {
            try (Response response = realm().users().create(user)) {
                if (response.getStatus() == 201) {
                    return CreatedResponseUtil.getCreatedId(response);
                }
                throw rejectedUser(response.getStatus(), response.readEntity(String.class));
            }
        });
        try {
            UserResource created = realm().users().get(userId);
            CredentialRepresentation credential = new CredentialRepresentation();
            credential.setType(CredentialRepresentation.PASSWORD);
            credential.setValue(password);
            credential.setTemporary(false);
            try {
                created.resetPassword(credential);
            } catch (WebApplicationException e) {
                if (e.getResponse().getStatus() == 400) {
                    throw new AccountRejectedException(List.of(new FieldProblem(
                            "password",
                            describe(
                                    e.getResponse().readEntity(String.class),
                                    "The password does not meet the password policy."))));
                }
                throw e;
            }
            RoleRepresentation patient = created.roles().realmLevel().listAvailable().stream()
                    .filter(r -> PATIENT_ROLE.equals(r.getName()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("realm role 'patient' is missing or not mappable"));
            created.roles().realmLevel().add(List.of(patient));
            return userId;
        } catch (RuntimeException e) {
            deleteUserQuietly(userId);
            if (e instanceof ProcessingException) {
                throw new DependencyUnavailableException(SIGN_IN_SERVICE, e);
            }
            throw e;
        }
    }

    /** Compensation: removes a user created by a request that then failed. */
    public void deleteUserQuietly(String userId) {
        try (Response response = realm().users().delete(userId)) {
            if (response.getStatus() >= 300 && response.getStatus() != 404) {
                log.error(
                        "Could not remove Keycloak user {} after a failed enrollment: HTTP {}",
                        userId,
                        response.getStatus());
            }
        } catch (RuntimeException e) {
            log.error("Could not remove Keycloak user {} after a failed enrollment", userId, e);
        }
    }

    /** Disables the user and ends all their sessions; refresh tokens stop working at once. */
    public void disableAndSignOut(String userId) {
        call(() -> {
            UserResource user = realm().users().get(userId);
            UserRepresentation representation = user.toRepresentation();
            representation.setEnabled(false);
            user.update(representation);
            user.logout();
            return null;
        });
    }

    public boolean isEnabled(String userId) {
        return call(() -> Boolean.TRUE.equals(
                realm().users().get(userId).toRepresentation().isEnabled()));
    }

    /** When the user's current password was set. */
    public Optional<Instant> passwordCreatedAt(String userId) {
        return call(() -> realm().users().get(userId).credentials().stream()
                .filter(c -> CredentialRepresentation.PASSWORD.equals(c.getType()) && c.getCreatedDate() != null)
                .map(c -> Instant.ofEpochMilli(c.getCreatedDate()))
                .max(Instant::compareTo));
    }

    /** Stored user events of the given types from {@code fromMillis} (inclusive), oldest first. */
    public List<EventRepresentation> events(List<String> types, long fromMillis, int first, int max) {
        return call(() -> realm().getEvents(
                        types,
                        null,
                        null,
                        fromMillis,
                        System.currentTimeMillis() + 86_400_000L,
                        null,
                        first,
                        max,
                        "asc"));
    }

    /** No answer in time, no connection, or a server error: the sign-in service is unavailable, not our bug. */
    private static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (ProcessingException e) {
            throw new DependencyUnavailableException(SIGN_IN_SERVICE, e);
        } catch (WebApplicationException e) {
            if (e.getResponse() != null && e.getResponse().getStatus() >= 500) {
                throw new DependencyUnavailableException(SIGN_IN_SERVICE, e);
            }
            throw e;
        }
    }

    private static RuntimeException rejectedUser(int status, String body) {
        if (status == 409) {
            String message = describe(body, "");
            if (message.toLowerCase().contains("email")) {
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
