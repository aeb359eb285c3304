package health.portal.gateway;

import static health.portal.gateway.SecurityHeaderAssertions.assertProblem;
import static health.portal.gateway.SecurityHeaderAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.function.Consumer;

/** Verified tokens are remembered, but never past their expiry, and only tokens that verified. */
class TokenCacheTest extends GatewayTestBase {

    @Test
    void aTokenAcceptedWhileValidIsRefusedOnceItHasExpired() throws Exception {
        String real = mobileToken(patient("short-lived"));
        Instant expiry = Instant.now().plusSeconds(6).truncatedTo(ChronoUnit.SECONDS);
        String shortLived = resign(real, claims -> claims.expirationTime(Date.from(expiry)));

        assertThat(get("/api/me", shortLived).statusCode()).isEqualTo(200);
        assertThat(get("/api/me", shortLived).statusCode()).isEqualTo(200);

        // past exp and the gateway's clock skew: nothing may accept it any more, a remembered verdict neither
        Thread.sleep(Math.max(
                0,
                Duration.between(Instant.now(), expiry.plus(TOKEN_CLOCK_SKEW).plusSeconds(1))
                        .toMillis()));
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> refused = get("/api/me", shortLived);
            assertProblem(refused, 401);
            assertThat(header(refused, "WWW-Authenticate")).contains("invalid_token");
        }
    }

    @Test
    void aTamperedTokenIsRefusedThoughTheOriginalWasAccepted() throws Exception {
        TestUser user = patient("tampered");
        String real = mobileToken(user);
        assertThat(get("/api/me", real).statusCode()).isEqualTo(200);

        String[] parts = real.split("\\.");
        // the claims of another subject under the original signature
        String otherClaims = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
                .replace(user.userId(), patient("tamper-victim").userId());
        String swappedClaims = parts[0] + "." + Base64URL.encode(otherClaims) + "." + parts[2];
        // the original claims with one character of the signature changed
        char last = parts[2].charAt(parts[2].length() - 2);
        String badSignature = parts[0] + "." + parts[1] + "."
                + parts[2].substring(0, parts[2].length() - 2)
                + (last == 'A' ? 'B' : 'A')
                + parts[2].substring(parts[2].length() - 1);

        for (String tampered : new String[] {swappedClaims, badSignature, real + "x"}) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> refused = get("/api/me", tampered);
                assertProblem(refused, 401);
                assertThat(header(refused, "WWW-Authenticate")).contains("invalid_token");
            }
        }
        assertThat(get("/api/me", real).statusCode()).isEqualTo(200);
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
