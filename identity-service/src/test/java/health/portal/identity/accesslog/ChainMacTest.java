package health.portal.identity.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import java.time.Instant;

/** The chain key the service starts with, and what the MAC covers. */
class ChainMacTest {

    private static final String KEY = "a-deployment-key-from-the-environment-0123456789";

    @Test
    void noKeyATooShortKeyAndALocalKeyOutsideTheLocalProfileAreRefused() {
        assertThatThrownBy(() -> chainMac(null, new MockEnvironment())).hasMessageContaining("ACCESS_LOG_MAC_KEY");
        assertThatThrownBy(() -> chainMac(" ", new MockEnvironment())).hasMessageContaining("not set");
        assertThatThrownBy(() -> chainMac("0123456789abcdef0123456789abcde", new MockEnvironment()))
                .hasMessageContaining("at least 32 bytes");
        String local = "identity-service-access-log-local-secret";
        assertThatThrownBy(() -> chainMac(local, new MockEnvironment()))
                .hasMessageContaining("refused outside the Spring profile 'local'");
        MockEnvironment production = new MockEnvironment();
        production.setActiveProfiles("production");
        assertThatThrownBy(() -> chainMac(local, production)).hasMessageContaining("local");

        MockEnvironment localRun = new MockEnvironment();
        localRun.setActiveProfiles("local");
        assertThat(chainMac(local, localRun).of(entry(1, "a"))).hasSize(64);
        assertThat(chainMac(KEY, new MockEnvironment()).of(entry(1, "a"))).hasSize(64);
    }

    @Test
    void theMacCoversTheKeyTheSequenceNumberTheContentAndThePreviousMac() {
        ChainMac mac = chainMac(KEY, new MockEnvironment());
        String original = mac.of(entry(7, "detail"));
        assertThat(mac.of(entry(7, "detail"))).isEqualTo(original);
        assertThat(mac.of(entry(8, "detail"))).as("sequence number").isNotEqualTo(original);
        assertThat(mac.of(entry(7, "detail!"))).as("content").isNotEqualTo(original);
        assertThat(chainMac(KEY + "x", new MockEnvironment()).of(entry(7, "detail")))
                .as("key")
                .isNotEqualTo(original);
        assertThat(mac.of(linked(entry(7, "detail"), "1".repeat(64), null)))
                .as("previous MAC")
                .isNotEqualTo(original);

        StoredEntry stored = linked(entry(7, "detail"), ChainMac.GENESIS, original);
        assertThat(mac.matches(stored)).isTrue();
        assertThat(mac.matches(linked(stored, ChainMac.GENESIS, "0".repeat(64))))
                .isFalse();
        assertThat(mac.matches(linked(stored, ChainMac.GENESIS, null))).isFalse();
    }

    private static ChainMac chainMac(String key, MockEnvironment environment) {
        return new ChainMac(new AccessLogProperties(key, null, null), environment);
    }

    private static StoredEntry entry(long seq, String detail) {
        Instant at = Instant.parse("2025-03-01T10:15:30.123456Z");
        return new StoredEntry(
                seq,
                "PORTAL",
                "portal:" + seq,
                "pt-1",
                "user-1",
                at,
                at,
                "ACCOUNT",
                "account.test",
                "SUCCESS",
                "user-1",
                "PATIENT",
                "203.0.113.7",
                "test",
                detail,
                ChainMac.GENESIS,
                null);
    }

    private static StoredEntry linked(StoredEntry e, String prevMac, String mac) {
        return new StoredEntry(
                e.seq(),
                e.source(),
                e.sourceId(),
                e.patientId(),
                e.userId(),
                e.occurredAt(),
                e.recordedAt(),
                e.category(),
                e.action(),
                e.outcome(),
                e.actorId(),
                e.actorType(),
                e.clientIp(),
                e.device(),
                e.detail(),
                prevMac,
                mac);
    }
}
