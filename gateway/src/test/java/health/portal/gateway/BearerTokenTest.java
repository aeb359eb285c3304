package health.portal.gateway;

import static health.portal.gateway.SecurityHeaderAssertions.assertProblem;
import static health.portal.gateway.SecurityHeaderAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import health.portal.proto.events.v1.SecurityEvent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpResponse;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;

/** Mobile clients: access tokens are checked locally against Keycloak's keys, issuer and audience. */
class BearerTokenTest extends GatewayTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void refusesApiCallsWithoutToken() {
        HttpResponse<String> response = get("/api/me", null);
        assertProblem(response, 401);
        assertThat(header(response, "WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void relaysTheCallersTokenToIdentityService() {
        String token = mobileToken(patient("relay"));
        HttpResponse<String> response = get("/api/me", token);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode echo = JSON.readTree(response.body());
        assertThat(echo.path("path").asString()).isEqualTo("/api/me");
        assertThat(echo.path("authorization").asString()).isEqualTo("Bearer " + token);
    }

    @Test
    void refusesATokenSignedWithAnotherKeyAndReportsIt() throws Exception {
        String real = mobileToken(patient("forger"));
        SignedJWT parsed = SignedJWT.parse(real);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        // same header (kid of Keycloak's key) and claims, other private key
        SignedJWT forged = new SignedJWT(parsed.getHeader(), parsed.getJWTClaimsSet());
        forged.sign(new RSASSASigner(generator.generateKeyPair().getPrivate()));

        HttpResponse<String> response = get("/api/records/summary", forged.serialize());

        assertProblem(response, 401);
        assertThat(header(response, "WWW-Authenticate")).contains("invalid_token");
        assertThat(KafkaEvents.await(
                        KAFKA.bootstrapServers(),
                        "portal.security.events",
                        SecurityEvent.class,
                        event -> event.getKind().equals("bad_token_signature")
                                && event.getRoute().equals("/api/records/summary"),
                        Duration.ofSeconds(60)))
                .as("bad_token_signature SecurityEvent")
                .isPresent();
    }

    @Test
    void acceptsOnlyTheRealmsIssuer() throws Exception {
        String real = mobileToken(patient("issuer"));
        // control: the same claims signed with a key Keycloak publishes are accepted
        assertThat(get("/api/me", resign(real, claims -> {})).statusCode()).isEqualTo(200);
        assertProblem(get("/api/me", resign(real, claims -> claims.issuer("http://localhost:1/realms/portal"))), 401);
        assertProblem(
                get("/api/me", resign(real, claims -> claims.issuer(KEYCLOAK.baseUrl() + "/realms/master"))), 401);
    }

    @Test
    void acceptsOnlyThePortalApiAudience() throws Exception {
        String real = mobileToken(patient("audience"));
        assertProblem(get("/api/me", resign(real, claims -> claims.audience(List.of("account")))), 401);
        assertProblem(get("/api/me", resign(real, claims -> claims.audience((String) null))), 401);
        assertThat(get("/api/me", resign(real, claims -> claims.audience(List.of("account", "portal-api"))))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void refusesExpiredTokens() throws Exception {
        String real = mobileToken(patient("expired"));
        Date past = Date.from(Instant.now().minus(Duration.ofMinutes(10)));
        assertProblem(get("/api/me", resign(real, claims -> claims.expirationTime(past))), 401);
    }

    @Test
    void refusesTokensOfAnotherRealm() {
        // a real Keycloak token, but of the master realm: other issuer, other keys
        assertProblem(get("/api/me", KEYCLOAK.adminAccessToken()), 401);
    }

    @Test
    void refusesGarbage() {
        assertProblem(get("/api/me", "not-a-jwt"), 401);
    }

    /** The real token's claims, changed, signed with a key the realm publishes (added by the test). */
    private static String resign(String token, Consumer<JWTClaimsSet.Builder> change) throws Exception {
        KeycloakAdmin.RealmKey key = KeycloakAdmin.trustedTestKey(KEYCLOAK);
        JWTClaimsSet.Builder claims =
                new JWTClaimsSet.Builder(SignedJWT.parse(token).getJWTClaimsSet());
        change.accept(claims);
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.kid()).build(), claims.build());
        jwt.sign(new RSASSASigner((RSAPrivateKey) key.keyPair().getPrivate()));
        return jwt.serialize();
    }
}
