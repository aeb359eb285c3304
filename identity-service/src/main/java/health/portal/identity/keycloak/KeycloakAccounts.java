package health.portal.identity.keycloak;

import health.portal.platform.problem.DependencyUnavailableException;
import jakarta.ws.rs.NotFoundException;
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

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Keycloak as identity-service uses it, through the admin REST API. Keycloak stays the judge of its own rules
 * (password policy, user profile); its refusals come back as {@link AccountRejectedException} with field errors.
 * When Keycloak does not answer (within the timeouts of {@link KeycloakProperties}) or fails, calls throw
 * {@link DependencyUnavailableException} naming the sign-in service.
 */
@Component
public class KeycloakAccounts {

    public static final String PATIENT_ROLE = "patient";
    public static final String PATIENT_ID_ATTRIBUTE = "patient_id";
    /** Declared admin-only in the realm's user profile; patients neither see nor change it. */
    public static final String INSTALLATION_ATTRIBUTE = "portal_installation";
    /**
     * The accepted terms version, declared admin-only in the realm's user profile (a patient cannot set it in the
     * account console) and mapped into the patient clients' access tokens: the gateway and records-service check it.
     */
    public static final String TERMS_VERSION_ATTRIBUTE = "terms_version";
    /** The system a patient knows Keycloak as, in problems. */
    public static final String SIGN_IN_SERVICE = "The sign-in service";

    private static final Logger log = LoggerFactory.getLogger(KeycloakAccounts.class);
    private static final int PAGE = 100;

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

    public Optional<PatientUser> findByUsername(String username) {
        return call(() -> realm().users().searchByUsername(username, true).stream()
                .findFirst()
                .map(KeycloakAccounts::patientUser));
    }

    /**
     * Creates a <em>disabled</em> patient user with the password, attributes {@code patient_id} and
     * {@code portal_installation} and realm role {@code patient}; {@link #enable} lets it sign in once the enrollment
     * is recorded. If a step fails the user is removed again, as far as Keycloak lets it.
     *
     * @return the new user's id (the tokens' subject)
     */
    public String createPatientUser(
            String username, String email, String password, String patientId, String installation) {
        return createPatientUser(username, email, password, patientId, installation, null);
    }

    /**
     * The same, with the terms version accepted at enrollment in {@code terms_version}: the user cannot sign in before
     * the enrollment, and with it the acceptance, is recorded ({@link #enable}).
     */
    public String createPatientUser(
            String username,
            String email,
            String password,
            String patientId,
            String installation,
            String termsVersion) {
        UserRepresentation user = new UserRepresentation();
        user.setUsername(username);
        user.setEmail(email);
        user.setEnabled(false);
        user.setEmailVerified(false);
        Map<String, List<String>> attributes = new java.util.HashMap<>(Map.of(
                PATIENT_ID_ATTRIBUTE, List.of(patientId),
                INSTALLATION_ATTRIBUTE, List.of(installation)));
        if (termsVersion != null) {
            attributes.put(TERMS_VERSION_ATTRIBUTE, List.of(termsVersion));
        }
        user.setAttributes(attributes);
        String userId = call(() -> {
            try (Response response = realm().users().create(user)) {
                if (response.getStatus() == 201) {
                    return CreatedResponseUtil.getCreatedId(response);
                }
                throw KeycloakRefusals.rejectedUser(response.getStatus(), response.readEntity(String.class));
            }
        });
        try {
            call(() -> {
                UserResource created = realm().users().get(userId);
                setPassword(created, password);
                grantPatientRole(created);
                return null;
            });
            return userId;
        } catch (RuntimeException e) {
            deleteQuietly(userId);
            throw e;
        }
    }

    private static void setPassword(UserResource user, String password) {
        CredentialRepresentation credential = new CredentialRepresentation();
        credential.setType(CredentialRepresentation.PASSWORD);
        credential.setValue(password);
        credential.setTemporary(false);
        try {
            user.resetPassword(credential);
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 400) {
                throw KeycloakRefusals.rejectedPassword(e.getResponse().readEntity(String.class));
            }
            throw e;
        }
    }

    private static void grantPatientRole(UserResource user) {
        RoleRepresentation patient = user.roles().realmLevel().listAvailable().stream()
                .filter(r -> PATIENT_ROLE.equals(r.getName()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("realm role 'patient' is missing or not mappable"));
        user.roles().realmLevel().add(List.of(patient));
    }

    /** Lets the user sign in. @return false if there is no such user */
    public boolean enable(String userId) {
        return call(() -> {
            UserResource user = realm().users().get(userId);
            Optional<UserRepresentation> representation = representation(user);
            representation.filter(r -> !Boolean.TRUE.equals(r.isEnabled())).ifPresent(r -> {
                r.setEnabled(true);
                user.update(r);
            });
            return representation.isPresent();
        });
    }

    /**
     * Sets the user's {@code terms_version}, so that their next token carries the acceptance. Setting the version the
     * user already has changes nothing, so a retry is harmless. @return false if there is no such user
     */
    public boolean setTermsVersion(String userId, String version) {
        return call(() -> {
            UserResource user = realm().users().get(userId);
            Optional<UserRepresentation> representation = representation(user);
            representation
                    .filter(r -> !version.equals(r.firstAttribute(TERMS_VERSION_ATTRIBUTE)))
                    .ifPresent(r -> {
                        Map<String, List<String>> attributes =
                                new java.util.HashMap<>(r.getAttributes() == null ? Map.of() : r.getAttributes());
                        attributes.put(TERMS_VERSION_ATTRIBUTE, List.of(version));
                        r.setAttributes(attributes);
                        user.update(r);
                    });
            return representation.isPresent();
        });
    }

    /** Disables the user and ends all their sessions; refresh tokens stop working at once. @return false if none */
    public boolean disableAndSignOut(String userId) {
        return call(() -> {
            UserResource user = realm().users().get(userId);
            Optional<UserRepresentation> representation = representation(user);
            if (representation.isEmpty()) {
                return false;
            }
            if (!Boolean.FALSE.equals(representation.get().isEnabled())) {
                representation.get().setEnabled(false);
                user.update(representation.get());
            }
            user.logout();
            return true;
        });
    }

    /** Removes the user; afterwards there is none with this id (already gone is fine). */
    public void delete(String userId) {
        call(() -> {
            try (Response response = realm().users().delete(userId)) {
                if (response.getStatus() >= 300 && response.getStatus() != 404) {
                    throw new WebApplicationException("deleting a user: HTTP " + response.getStatus(), response);
                }
                return null;
            }
        });
    }

    private void deleteQuietly(String userId) {
        try {
            delete(userId);
        } catch (RuntimeException e) {
            // the enrollment's intent stays open: its undo (the request's or a reconciler's) deletes the user later
            log.warn("Could not remove Keycloak user {} after a failed step: {}", userId, e.toString());
        }
    }

    /** Every user carrying this {@code patient_id}, whoever created them. */
    public List<PatientUser> usersWithPatientId(String patientId) {
        List<PatientUser> users = new ArrayList<>();
        for (int first = 0; ; first += PAGE) {
            List<PatientUser> page = search(PATIENT_ID_ATTRIBUTE + ":" + patientId, first, PAGE);
            users.addAll(page);
            if (page.size() < PAGE) {
                return users;
            }
        }
    }

    /** One page of the users this installation's enrollments created. */
    public List<PatientUser> usersOfInstallation(String installation, int first, int max) {
        return search(INSTALLATION_ATTRIBUTE + ":" + installation, first, max);
    }

    private List<PatientUser> search(String attributeQuery, int first, int max) {
        Boolean anyState = null;
        boolean exact = true;
        boolean briefRepresentation = false; // attributes are only in the full one
        return call(() ->
                realm()
                        .users()
                        .searchByAttributes(first, max, anyState, exact, briefRepresentation, attributeQuery)
                        .stream()
                        .map(KeycloakAccounts::patientUser)
                        .toList());
    }

    /** When the user's current password was set. */
    public Optional<Instant> passwordCreatedAt(String userId) {
        return call(() -> realm().users().get(userId).credentials().stream()
                .filter(c -> CredentialRepresentation.PASSWORD.equals(c.getType()) && c.getCreatedDate() != null)
                .map(c -> Instant.ofEpochMilli(c.getCreatedDate()))
                .max(Instant::compareTo));
    }

    /** The user's e-mail address, where the portal's notices about the account go; empty without one. */
    public Optional<String> email(String userId) {
        return call(() -> representation(realm().users().get(userId))
                .map(UserRepresentation::getEmail)
                .filter(email -> !email.isBlank()));
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

    private static Optional<UserRepresentation> representation(UserResource user) {
        try {
            return Optional.of(user.toRepresentation());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    private static PatientUser patientUser(UserRepresentation user) {
        return new PatientUser(
                user.getId(),
                user.getUsername(),
                user.firstAttribute(PATIENT_ID_ATTRIBUTE),
                user.firstAttribute(INSTALLATION_ATTRIBUTE),
                Boolean.TRUE.equals(user.isEnabled()),
                user.getCreatedTimestamp() == null ? Instant.EPOCH : Instant.ofEpochMilli(user.getCreatedTimestamp()));
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
}
