package health.portal.gateway;

import health.portal.infra.keycloak.KeycloakServer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The few realm changes the gateway tests need, through Keycloak's admin REST API. */
final class KeycloakAdmin {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final Set<String> ALLOWED_ORIGINS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static volatile RealmKey realmKey;

    private KeycloakAdmin() {}

    /** Lets portal-web redirect to (and sign out back to) a gateway on a test port. */
    static void allowGatewayOrigin(KeycloakServer keycloak, String origin) {
        if (ALLOWED_ORIGINS.add(origin)) {
            keycloak.allowBrowserOrigin("portal-web", origin);
        }
    }

    /** Sets (or with null removes) an attribute of a client of the portal realm, e.g. its access token lifespan. */
    static void setClientAttribute(KeycloakServer keycloak, String clientId, String name, String value) {
        String realm = keycloak.baseUrl() + "/admin/realms/" + KeycloakServer.REALM;
        ObjectNode client = (ObjectNode) call(keycloak, "GET", realm + "/clients?clientId=" + clientId, null)
                .get(0);
        ObjectNode attributes = (ObjectNode) client.path("attributes");
        if (value == null) {
            // Keycloak keeps an attribute the update leaves out; empty is "not set" (the client inherits the realm's)
            attributes.put(name, "");
        } else {
            attributes.put(name, value);
        }
        call(keycloak, "PUT", realm + "/clients/" + client.path("id").asString(), client);
    }

    /** Changes one setting of the portal realm, e.g. its SSO session idle timeout (seconds). */
    static void setRealmAttribute(KeycloakServer keycloak, String name, Object value) {
        String realm = keycloak.baseUrl() + "/admin/realms/" + KeycloakServer.REALM;
        call(keycloak, "PUT", realm, JSON.valueToTree(Map.of(name, value)));
    }

    /** The user's Keycloak (SSO) sessions, as the admin console lists them. */
    static JsonNode userSessions(KeycloakServer keycloak, String userId) {
        String realm = keycloak.baseUrl() + "/admin/realms/" + KeycloakServer.REALM;
        return call(keycloak, "GET", realm + "/users/" + userId + "/sessions", null);
    }

    /**
     * Adds a passive RSA key of ours to the portal realm: Keycloak publishes it in its JWKS (so the gateway trusts
     * it) but does not sign with it. With it, tests can sign tokens that differ from real ones in one claim only.
     */
    static RealmKey trustedTestKey(KeycloakServer keycloak) throws Exception {
        if (realmKey != null) {
            return realmKey;
        }
        synchronized (KeycloakAdmin.class) {
            if (realmKey != null) {
                return realmKey;
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            X500Name name = new X500Name("CN=gateway-test");
            var certificate = new JcaX509CertificateConverter()
                    .getCertificate(new JcaX509v3CertificateBuilder(
                                    name,
                                    BigInteger.ONE,
                                    Date.from(Instant.now().minusSeconds(60)),
                                    Date.from(Instant.now().plusSeconds(86400)),
                                    name,
                                    pair.getPublic())
                            .build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
            String realm = keycloak.baseUrl() + "/admin/realms/" + KeycloakServer.REALM;
            String realmId = call(keycloak, "GET", realm, null).path("id").asString();
            Map<String, Object> component = Map.of(
                    "name",
                    "gateway-test-key",
                    "providerId",
                    "rsa",
                    "providerType",
                    "org.keycloak.keys.KeyProvider",
                    "parentId",
                    realmId,
                    "config",
                    Map.of(
                            "priority",
                            List.of("-100"),
                            "enabled",
                            List.of("true"),
                            "active",
                            List.of("false"),
                            "algorithm",
                            List.of("RS256"),
                            "privateKey",
                            List.of(pem(pair.getPrivate())),
                            "certificate",
                            List.of(pem(certificate))));
            call(keycloak, "POST", realm + "/components", JSON.valueToTree(component));
            String modulus = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(unsigned(((RSAPublicKey) pair.getPublic()).getModulus()));
            JsonNode jwks = JSON.readTree(HTTP.send(
                            HttpRequest.newBuilder(URI.create(keycloak.issuerUri() + "/protocol/openid-connect/certs"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            List<String> kids = new ArrayList<>();
            for (JsonNode key : jwks.path("keys")) {
                if (modulus.equals(key.path("n").asString(""))) {
                    kids.add(key.path("kid").asString());
                }
            }
            if (kids.isEmpty()) {
                throw new IllegalStateException("Keycloak does not publish the test key: " + jwks);
            }
            realmKey = new RealmKey(kids.getFirst(), pair);
            return realmKey;
        }
    }

    record RealmKey(String kid, KeyPair keyPair) {}

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static String pem(Object object) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        // Keycloak wants the base64 body only
        return out.toString().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    }

    /** Sets a user attribute through the admin API, as identity-service sets {@code terms_version}. */
    static void setUserAttribute(KeycloakServer keycloak, String userId, String name, String value) {
        String user = keycloak.baseUrl() + "/admin/realms/" + KeycloakServer.REALM + "/users/" + userId;
        ObjectNode representation = (ObjectNode) call(keycloak, "GET", user, null);
        ObjectNode attributes = representation.has("attributes")
                ? (ObjectNode) representation.path("attributes")
                : representation.putObject("attributes");
        attributes.putArray(name).add(value);
        call(keycloak, "PUT", user, representation);
    }

    private static JsonNode call(KeycloakServer keycloak, String method, String url, JsonNode body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + keycloak.adminAccessToken())
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(
                        method + " " + url + " -> " + response.statusCode() + " " + response.body());
            }
            return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}
