package health.portal.testsupport;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Mints access tokens shaped like Keycloak's (realm roles in realm_access.roles, patient_id claim, audience
 * portal-api) with a local RSA key, and serves that key as a JWKS over HTTP, so that a service validates them exactly
 * as it validates Keycloak's, without starting Keycloak. Tests that need the real sign-in use local-infrastructure's
 * Keycloak.
 */
public final class TestTokens {

    private static final TestTokens SHARED = new TestTokens();

    private final RSAKey key;
    private final RSAKey stranger;
    private final HttpServer server;

    private TestTokens() {
        try {
            key = new RSAKeyGenerator(2048).keyID("test-key").generate();
            stranger = new RSAKeyGenerator(2048).keyID("test-key").generate(); // same kid, other key: a forgery
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/realms/portal/protocol/openid-connect/certs", ex -> {
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, jwks.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(jwks);
                }
            });
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestTokens shared() {
        return SHARED;
    }

    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/portal";
    }

    public String jwkSetUri() {
        return issuer() + "/protocol/openid-connect/certs";
    }

    /**
     * What a minted token says. Defaults as Keycloak issues a patient-portal token: this realm, five minutes, audience
     * portal-api, client portal-web, no authentication methods listed.
     */
    private record Shape(
            String subject,
            List<String> roles,
            String patientId,
            String issuer,
            Duration ttl,
            String audience,
            String clientId,
            List<String> amr,
            String termsVersion) {

        Shape issuer(String value) {
            return new Shape(subject, roles, patientId, value, ttl, audience, clientId, amr, termsVersion);
        }

        Shape ttl(Duration value) {
            return new Shape(subject, roles, patientId, issuer, value, audience, clientId, amr, termsVersion);
        }

        Shape audience(String value) {
            return new Shape(subject, roles, patientId, issuer, ttl, value, clientId, amr, termsVersion);
        }

        Shape terms(String value) {
            return new Shape(subject, roles, patientId, issuer, ttl, audience, clientId, amr, value);
        }

        Shape client(String value, List<String> methods) {
            return new Shape(subject, roles, patientId, issuer, ttl, audience, value, methods, termsVersion);
        }
    }

    private Shape shape(String subject, List<String> roles, String patientId) {
        return new Shape(
                subject,
                roles,
                patientId,
                issuer(),
                Duration.ofMinutes(5),
                "portal-api",
                "portal-web",
                null,
                patientId == null ? null : TERMS_VERSION);
    }

    /**
     * The terms version patient tokens carry ({@code terms_version}) unless told otherwise; a service under test learns
     * it as the current version from the topic (see records-service's tests).
     */
    public static final String TERMS_VERSION = "test-terms-1";

    public String patient(String patientId) {
        return patient(patientId, TERMS_VERSION);
    }

    /** A patient's token that carries {@code termsVersion} as the accepted terms (null: no acceptance at all). */
    public String patient(String patientId, String termsVersion) {
        return sign(
                key,
                shape("user-" + patientId, List.of("patient", "offline_access"), patientId)
                        .terms(termsVersion));
    }

    /** A clinician signed in through the staff client with password and one-time code. */
    public String staff() {
        return staff(List.of("clinician"), List.of("pwd", "otp"));
    }

    /** A member of staff with these realm roles, through the staff client, with these authentication methods. */
    public String staff(List<String> roles, List<String> amr) {
        return sign(key, shape("staff-user-1", roles, null).client("portal-staff", amr));
    }

    /** A clinician's token of the patient portal's client: no staff authority there. */
    public String staffThroughPatientPortal() {
        return sign(key, shape("staff-user-1", List.of("clinician"), null).client("portal-web", List.of("pwd", "otp")));
    }

    /** The service account of client {@code records-client}, which records-service grants its read calls. */
    public String service() {
        return service("records-client");
    }

    /** A service account token (realm role records-service) of the given client. */
    public String service(String clientId) {
        return sign(
                key,
                shape("service-account-" + clientId, List.of("records-service"), null)
                        .client(clientId, null));
    }

    /** A client's own token without any role (client credentials of a client with no realm role), e.g. the gateway's. */
    public String client(String clientId) {
        return sign(
                key,
                shape("service-account-" + clientId, List.of("offline_access"), null)
                        .client(clientId, null));
    }

    public String noRoles() {
        return sign(key, shape("user-without-roles", List.of("offline_access"), null));
    }

    public String expired(String patientId) {
        return sign(
                key, shape("user-" + patientId, List.of("patient"), patientId).ttl(Duration.ofMinutes(-10)));
    }

    public String forged(String patientId) {
        return sign(stranger, shape("user-" + patientId, List.of("patient"), patientId));
    }

    public String otherIssuer(String patientId) {
        return sign(
                key,
                shape("user-" + patientId, List.of("patient"), patientId).issuer("http://evil.example/realms/portal"));
    }

    /** A token of this realm with the given roles, patient id and audience, valid for five minutes. */
    public String token(List<String> roles, String patientId, String audience) {
        return sign(key, shape("user-1", roles, patientId).audience(audience));
    }

    /** A genuine token of the realm, but issued to a client outside the portal's API (no portal-api audience). */
    public String otherAudience(String patientId) {
        return sign(
                key, shape("user-" + patientId, List.of("patient"), patientId).audience("account"));
    }

    private static String sign(RSAKey with, Shape token) {
        String subject = token.subject();
        List<String> roles = token.roles();
        String patientId = token.patientId();
        String issuer = token.issuer();
        Duration ttl = token.ttl();
        String audience = token.audience();
        String clientId = token.clientId();
        List<String> amr = token.amr();
        String termsVersion = token.termsVersion();
        try {
            Instant now = Instant.now();
            JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                    .issuer(issuer)
                    .subject(subject)
                    .jwtID(UUID.randomUUID().toString())
                    .issueTime(Date.from(now.minusSeconds(ttl.isNegative() ? 1200 : 5)))
                    .expirationTime(Date.from(now.plus(ttl)))
                    .audience(List.of(audience, "account"))
                    .claim("azp", clientId)
                    .claim("preferred_username", subject)
                    .claim("realm_access", Map.of("roles", roles));
            if (patientId != null) {
                claims.claim("patient_id", patientId);
            }
            if (amr != null) {
                claims.claim("amr", amr);
            }
            if (termsVersion != null) {
                claims.claim("terms_version", termsVersion);
            }
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(with.getKeyID())
                            .type(JOSEObjectType.JWT)
                            .build(),
                    claims.build());
            jwt.sign(new RSASSASigner(with));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
