package health.portal.emr.adapter.smart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.portal.emr.adapter.EmrClient;
import health.portal.emr.adapter.EmrSettings;
import health.portal.emr.adapter.EmrUnavailableException;
import health.portal.emr.adapter.FixtureAccess;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

class SmartBackendAuthTest {

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static KeyPair ec384() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        return g.generateKeyPair();
    }

    @Test
    void rs384AssertionIsAcceptedAndTheTokenIsCached() throws Exception {
        KeyPair keys = rsa();
        try (TokenEndpoint endpoint = new TokenEndpoint("portal-records", keys.getPublic(), "RS384")) {
            var auth = new SmartBackendAuth(
                    new SmartBackendSettings(
                            endpoint.uri(), "portal-records", keys.getPrivate(), "key-1", "system/*.read", null),
                    Duration.ofSeconds(5));
            String first = auth.accessToken();
            String second = auth.accessToken();
            assertThat(endpoint.rejections).isEmpty();
            assertThat(first).isEqualTo("tok-0").isEqualTo(second);
            assertThat(endpoint.issuedTokens).hasSize(1); // cached, not one token per call
        }
    }

    @Test
    void es384AssertionIsAccepted() throws Exception {
        KeyPair keys = ec384();
        try (TokenEndpoint endpoint = new TokenEndpoint("portal-records", keys.getPublic(), "ES384")) {
            var auth = new SmartBackendAuth(
                    new SmartBackendSettings(
                            endpoint.uri(), "portal-records", keys.getPrivate(), "key-ec", "system/*.read", null),
                    Duration.ofSeconds(5));
            assertThat(auth.accessToken()).isEqualTo("tok-0");
            assertThat(endpoint.rejections).isEmpty();
        }
    }

    @Test
    void tokenIsRenewedShortlyBeforeExpiry() throws Exception {
        KeyPair keys = rsa();
        try (TokenEndpoint endpoint = new TokenEndpoint("portal-records", keys.getPublic(), "RS384")) {
            endpoint.expiresIn = 300;
            AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
            Clock clock = new Clock() {
                @Override
                public ZoneOffset getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now.get();
                }
            };
            endpoint.clock = now::get;
            var auth = new SmartBackendAuth(
                    new SmartBackendSettings(
                            endpoint.uri(), "portal-records", keys.getPrivate(), null, null, Duration.ofSeconds(60)),
                    Duration.ofSeconds(5),
                    clock);
            assertThat(auth.accessToken()).isEqualTo("tok-0");
            now.set(now.get().plusSeconds(200));
            assertThat(auth.accessToken()).isEqualTo("tok-0");
            now.set(now.get().plusSeconds(50)); // 250 s: within the 60 s skew of the 300 s lifetime
            assertThat(auth.accessToken()).isEqualTo("tok-1");
            assertThat(endpoint.rejections).isEmpty();
        }
    }

    @Test
    void aKeyTheEmrDoesNotKnowIsRefused() throws Exception {
        KeyPair registered = rsa();
        KeyPair other = rsa();
        try (TokenEndpoint endpoint = new TokenEndpoint("portal-records", registered.getPublic(), "RS384")) {
            var auth = new SmartBackendAuth(
                    new SmartBackendSettings(endpoint.uri(), "portal-records", other.getPrivate(), null, null, null),
                    Duration.ofSeconds(5));
            assertThatThrownBy(auth::accessToken).isInstanceOf(EmrUnavailableException.class);
            assertThat(endpoint.rejections).containsExactly("signature");
        }
    }

    @Test
    void theFhirClientSendsTheBearerToken() throws Exception {
        KeyPair keys = rsa();
        try (TokenEndpoint endpoint = new TokenEndpoint("portal-records", keys.getPublic(), "RS384");
                var fhir = FixtureAccess.server("synthea-record.json")) {
            FixtureAccess.requireBearer(fhir, "tok-0");
            EmrClient emr = new EmrClient(EmrSettings.defaults(FixtureAccess.baseUrl(fhir))
                    .withSmart(new SmartBackendSettings(
                            endpoint.uri(),
                            "portal-records",
                            keys.getPrivate(),
                            "key-1",
                            "system/Patient.read",
                            null)));
            assertThat(emr.patientProfile("synthea-1"))
                    .get()
                    .satisfies(p -> assertThat(p.getFamilyName()).isEqualTo("Rohan584"));
            assertThat(emr.healthSummary("synthea-1").getAllergiesCount()).isEqualTo(2);
            assertThat(endpoint.issuedTokens).hasSize(1);
            assertThat(FixtureAccess.authorizations(fhir)).allMatch("Bearer tok-0"::equals);
        }
    }

    @Test
    void withoutSmartSettingsNoTokenIsSent() throws Exception {
        try (var fhir = FixtureAccess.server("synthea-record.json")) {
            EmrClient emr = new EmrClient(EmrSettings.defaults(FixtureAccess.baseUrl(fhir)));
            assertThat(emr.patientProfile("synthea-1")).isPresent();
            assertThat(FixtureAccess.authorizations(fhir)).containsOnly("null");
        }
    }
}
