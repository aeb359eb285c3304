package health.portal.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The operator's credential for the management port (maintenance switch, metrics details, route table), sent as HTTP
 * Basic. There is no default: deployments set {@code GATEWAY_OPERATOR_PASSWORD}, local runs generate one and print it.
 *
 * @param username the operator's user name
 * @param password at least {@value #MIN_PASSWORD_LENGTH} characters
 */
@ConfigurationProperties("gateway.operator")
public record OperatorProperties(String username, String password) {

    static final int MIN_PASSWORD_LENGTH = 16;

    public OperatorProperties {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("gateway.operator.username must not be blank");
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("gateway.operator.password (GATEWAY_OPERATOR_PASSWORD) must be set, "
                    + "at least " + MIN_PASSWORD_LENGTH + " characters: it guards the maintenance switch");
        }
    }

    @Override
    public String toString() {
        return "OperatorProperties[username=" + username + ", password=(hidden)]";
    }
}
