package health.portal.identity.accesslog;

/**
 * Keycloak locked a patient's account after failed sign-ins (temporarily or for good), seen for the first time by
 * the event import: published once per lockout, after its access-log entry is written.
 */
public record AccountLockedOut(String userId, boolean permanent) {}
