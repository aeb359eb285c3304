package health.portal.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.Map;

class ReadableSessionsTest {

    private final ReadableSessions sessions = new ReadableSessions();

    private static final Map<String, Object> WHOLE = Map.of(
            "creationTime",
            1_700_000_000_000L,
            "lastAccessedTime",
            1_700_000_060_000L,
            "maxInactiveInterval",
            900,
            "sessionAttr:SPRING_SECURITY_CONTEXT",
            "context");

    @Test
    void aWholeSessionIsRead() {
        var session = sessions.apply("s1", WHOLE).block();
        assertThat(session).isNotNull();
        assertThat(session.getId()).isEqualTo("s1");
        assertThat((String) session.getAttribute("SPRING_SECURITY_CONTEXT")).isEqualTo("context");
    }

    @Test
    void aHashASaveWroteBackAfterTheSessionWasDeletedIsNoSessionAndNoError() {
        // what a request finishing during a sign-out leaves: its changed attributes, none of the session's own fields
        Map<String, Object> partial =
                Map.of("lastAccessedTime", 1_700_000_060_000L, "sessionAttr:SPRING_SECURITY_CONTEXT", "context");
        assertThat(sessions.apply("s2", partial).blockOptional()).isEmpty();
    }

    @Test
    void aSessionWithAValueThatCannotBeOpenedIsNoSession() {
        Map<String, Object> sealedWithARetiredKey = new java.util.HashMap<>(WHOLE);
        sealedWithARetiredKey.put("sessionAttr:SPRING_SECURITY_CONTEXT", EncryptedSessionSerializer.Unreadable.VALUE);
        assertThat(sessions.apply("s3", sealedWithARetiredKey).blockOptional()).isEmpty();
    }
}
