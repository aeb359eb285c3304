package health.portal.emr.adapter.smart;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Builds the signed JWT that authenticates this client at the token endpoint (RFC 7523, SMART Backend Services). */
final class ClientAssertion {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private ClientAssertion() {}

    static String create(SmartBackendSettings settings, Clock clock) {
        SigningAlgorithm alg = SigningAlgorithm.forKey(settings.privateKey());
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", alg.name());
        header.put("typ", "JWT");
        if (settings.keyId() != null) {
            header.put("kid", settings.keyId());
        }
        Instant now = clock.instant();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", settings.clientId());
        claims.put("sub", settings.clientId());
        claims.put("aud", settings.tokenEndpoint().toString());
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plusSeconds(300).getEpochSecond()); // SMART: no more than five minutes
        claims.put("jti", UUID.randomUUID().toString());
        try {
            String signingInput = B64.encodeToString(JSON.writeValueAsBytes(header)) + "."
                    + B64.encodeToString(JSON.writeValueAsBytes(claims));
            Signature signature = Signature.getInstance(alg.jcaName());
            signature.initSign(settings.privateKey());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(signature.sign());
        } catch (GeneralSecurityException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot sign the SMART client assertion", e);
        }
    }
}
