package health.portal.emr.adapter.smart;

import java.net.URI;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Objects;

/**
 * SMART Backend Services (OAuth2 client credentials with a private_key_jwt client assertion).
 *
 * @param tokenEndpoint the EMR authorization server's token URL (also the assertion's audience)
 * @param clientId the client id registered at the EMR (assertion issuer and subject)
 * @param privateKey RSA key for RS384 or EC P-384 key for ES384
 * @param keyId the JWK "kid" the EMR knows our public key under
 * @param scope e.g. "system/*.read system/Communication.write"
 * @param refreshSkew how long before expiry a cached token is renewed
 */
public record SmartBackendSettings(
        URI tokenEndpoint, String clientId, PrivateKey privateKey, String keyId, String scope, Duration refreshSkew) {

    public SmartBackendSettings {
        Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(privateKey, "privateKey");
        refreshSkew = refreshSkew == null ? Duration.ofSeconds(60) : refreshSkew;
        SigningAlgorithm.forKey(privateKey); // fails early on an unsupported key
    }
}
