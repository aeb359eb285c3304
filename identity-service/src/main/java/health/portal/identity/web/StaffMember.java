package health.portal.identity.web;

import health.portal.platform.security.Caller;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The named member of staff behind a staff request, as a patient's access log shows them: their user ID and name,
 * never a shared account.
 *
 * @param subject  the identity provider's id of the person (kept with the database rows they changed)
 * @param username their user ID ({@code preferred_username}), the actor of their access-log entries
 * @param name     their display name
 */
public record StaffMember(String subject, String username, String name) {

    public static StaffMember of(Jwt token) {
        Caller caller = Caller.of(token);
        String username = caller.username() != null ? caller.username() : caller.subject();
        return new StaffMember(caller.subject(), username, caller.name() != null ? caller.name() : username);
    }

    /** How an access-log entry describes the person: "Jordan Lee (jordan.lee)". */
    public String describe() {
        return name.equals(username) ? username : name + " (" + username + ")";
    }
}
