package health.portal.messaging.threads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.web.ErrorResponseException;

import java.time.Duration;
import java.time.Instant;

/** The thread's status changes only as its guarded methods allow. */
class MessageThreadTest {

    private static final Instant NOW = Instant.parse("2026-12-01T15:00:00Z");
    private static final Instant DUE = NOW.plus(Duration.ofDays(3));

    private static MessageThread open() {
        return MessageThread.openedByPatient(
                "p1",
                Category.OTHER,
                new Routing.Route("Practitioner/a", "Practitioner/a", false),
                "Organization/o",
                false,
                NOW,
                DUE);
    }

    @Test
    void becomesOverdueOnceAndOnlyWhenDue() {
        MessageThread thread = open();
        assertThat(thread.markOverdue(DUE.minusSeconds(1))).isFalse();
        assertThat(thread.markOverdue(DUE)).isTrue();
        assertThat(thread.markOverdue(DUE.plusSeconds(60))).isFalse();
        assertThat(thread.overdue()).isTrue();
    }

    @Test
    void anAnswerStopsTheClockAndTheNextPatientMessageRestartsIt() {
        MessageThread thread = open();
        thread.markOverdue(DUE);
        thread.careTeamAnswered(DUE.plusSeconds(10));
        assertThat(thread.status()).isEqualTo(ThreadStatus.ANSWERED);
        assertThat(thread.overdue()).isFalse();
        assertThat(thread.patientUnread()).isTrue();
        assertThat(thread.markOverdue(DUE.plus(Duration.ofDays(30)))).isFalse();

        Instant later = DUE.plus(Duration.ofDays(1));
        thread.patientWrote(later, later.plus(Duration.ofDays(3)), false);
        assertThat(thread.status()).isEqualTo(ThreadStatus.OPEN);
        assertThat(thread.dueAt()).isEqualTo(later.plus(Duration.ofDays(3)));
    }

    @Test
    void writingMoreWhileWaitingNeverPushesTheAnswerAway() {
        MessageThread thread = open();
        thread.patientWrote(NOW.plusSeconds(3_600), DUE.plus(Duration.ofDays(1)), true);
        assertThat(thread.dueAt()).isEqualTo(DUE);
        assertThat(thread.urgent()).isTrue();
    }

    @Test
    void aClosedThreadRefusesEverything() {
        MessageThread thread = open();
        thread.close();
        assertThat(thread.status()).isEqualTo(ThreadStatus.CLOSED);
        assertThatThrownBy(thread::close).isInstanceOf(ErrorResponseException.class);
        assertThatThrownBy(() -> thread.patientWrote(NOW, DUE, false)).isInstanceOf(ErrorResponseException.class);
        assertThatThrownBy(() -> thread.careTeamAnswered(NOW)).isInstanceOf(ErrorResponseException.class);
        assertThatThrownBy(() -> thread.reassign("Practitioner/b")).isInstanceOf(ErrorResponseException.class);
        assertThat(thread.markOverdue(DUE)).isFalse();
    }
}
