package health.portal.gateway.tls;

/**
 * Client-initiated TLS 1.2 renegotiation lets one client make the server repeat expensive handshakes on one connection
 * (a denial-of-service lever TLS scanners flag). Netty runs on the JDK's SSLEngine here (no netty-tcnative on the
 * class path), whose switch is a system property read once, when the first server handshake loads
 * {@code sun.security.ssl.ServerHandshakeContext}; so it is set before the web server starts. TLS 1.3 has no
 * renegotiation at all.
 */
public final class ClientRenegotiation {

    static final String PROPERTY = "jdk.tls.rejectClientInitiatedRenegotiation";

    private ClientRenegotiation() {}

    /** Not overridable on purpose: no deployment of the public entry should accept it. */
    public static void refuse() {
        System.setProperty(PROPERTY, "true");
    }
}
