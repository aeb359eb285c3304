package health.portal.identity.contacts;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Who may read a patient's notice address: messaging-service's own service account (the token's {@code azp}), which
 * sends the notices. A role would not do: patients, staff and every other service would be refused only as long as
 * no one granted them that role.
 */
public final class ContactsAccess {

    public static final String PATH = "/internal/contacts/*";
    static final String NOTICE_SENDER = "messaging-service";

    private ContactsAccess() {}

    public static AuthorizationManager<RequestAuthorizationContext> noticeSenderOnly() {
        return (authentication, context) ->
                new AuthorizationDecision(authentication.get() instanceof JwtAuthenticationToken jwt
                        && NOTICE_SENDER.equals(jwt.getToken().getClaimAsString("azp")));
    }
}
