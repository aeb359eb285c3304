package health.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.portal.identity.accesslog.AccessLog;
import health.portal.infra.kafka.KafkaBroker;
import health.portal.infra.postgres.PostgresServer;
import health.portal.infra.postgres.ThrowawayDatabase;
import health.portal.platform.events.DirectEventPublisher;
import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.platform.events.consumer.DeadLetterRecoverer;
import health.portal.proto.events.v1.ActorType;
import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Record accesses keep arriving while the identity database is away for 30 s: afterwards each one is in the patient's
 * access log exactly once, and the hash chain is intact. With Boot's default listener error handler (ten quick
 * attempts, then skip) the accesses of the outage would be missing.
 *
 * <p>A context of its own, unlike the other integration tests: its own database, so that the outage is its alone and
 * no other context's listener can fill in what this one missed; its own consumer group, so that it gets every
 * partition; and a connection pool that gives up after 1 s, as it should when the database is gone. With Hikari's
 * default of 30 s, a single attempt would sit out a 30 s outage inside {@code getConnection()}, and even Boot's
 * default handler would seem to cope.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "portal.access-log.keycloak-sync-interval=1h",
            "portal.access-log.audit-consumer-group=identity-service.access-log.outage-test",
            "spring.datasource.hikari.connection-timeout=1000",
            "spring.datasource.hikari.validation-timeout=500"
        })
class AccessLogOutageTest {

    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final Duration SEND_EVERY = Duration.ofMillis(150);
    static final ThrowawayDatabase DB = PostgresServer.shared().createThrowawayDatabase("identity_outage");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        IdentityIntegrationTest.infrastructure(registry, DB);
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    AccessLog accessLog;

    @Autowired
    MeterRegistry meters;

    /** An access as records-service reports it, and when it was acknowledged by Kafka. */
    record Sent(EventEnvelope envelope, Instant at) {
        String sourceId() {
            return "audit:" + envelope.getEventId();
        }
    }

    @Test
    void everyRecordAccessOfADatabaseOutageIsLoggedOnceAfterwards() throws Exception {
        assertThat(jdbc.queryForObject("select current_database()", String.class))
                .as("the service works on this test's own database")
                .isEqualTo(DB.name());
        List<String> patients = List.of(
                IdentityIntegrationTest.uniquePatientId(),
                IdentityIntegrationTest.uniquePatientId(),
                IdentityIntegrationTest.uniquePatientId());
        double deadLettersBefore = deadLetters();
        List<Sent> sent = new CopyOnWriteArrayList<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread sender = Thread.ofPlatform().name("records-service-audit").start(() -> send(patients, sent, sending));
        Instant outageStart;
        Instant outageEnd;
        try {
            awaitLogged(patients, 5, Duration.ofSeconds(60));

            outageStart = Instant.now();
            allowConnections(false);
            try {
                assertThatThrownBy(() -> DriverManager.getConnection(DB.jdbcUrl(), credentials())
                                .close())
                        .as("the identity database refuses connections")
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("not currently accepting connections");
                Thread.sleep(OUTAGE.toMillis());
            } finally {
                allowConnections(true);
                outageEnd = Instant.now();
            }
            Thread.sleep(3_000);
        } finally {
            sending.set(false);
            sender.join(10_000);
        }

        Map<String, Integer> logged = awaitLogged(patients, sent.size(), Duration.ofSeconds(60));
        assertThat(logged)
                .as("each access once")
                .containsOnlyKeys(sent.stream().map(Sent::sourceId).toList())
                .allSatisfy((sourceId, count) -> assertThat(count).as(sourceId).isEqualTo(1));

        Instant start = outageStart;
        List<Sent> duringOutage = sent.stream()
                .filter(s -> s.at().isAfter(start.plusSeconds(1)) && s.at().isBefore(start.plus(OUTAGE)))
                .toList();
        assertThat(duringOutage).as("accesses sent while the database was away").hasSizeGreaterThan(20);
        Map<String, Instant> recorded = recordedAt(patients);
        Instant end = outageEnd;
        assertThat(duringOutage)
                .as("written only once the database was back, so the listener had to wait for it")
                .allSatisfy(s -> assertThat(recorded.get(s.sourceId())).isAfterOrEqualTo(end.minusSeconds(1)));
        assertThat(jdbc.queryForObject(
                        "select count(*) from access_log_entry where patient_id in (?, ?, ?) and category <> 'RECORD_ACCESS'",
                        Integer.class,
                        patients.toArray()))
                .isZero();

        AccessLog.Verification verification = accessLog.verify();
        assertThat(verification.valid()).as(String.valueOf(verification)).isTrue();
        assertThat(deadLetters()).as("nothing dead-lettered").isEqualTo(deadLettersBefore);
    }

    /** Sends an access every {@link #SEND_EVERY} while {@code sending}, waiting for each acknowledgement. */
    private static void send(List<String> patients, List<Sent> sent, AtomicBoolean sending) {
        try (KafkaProducer<String, byte[]> producer = KafkaBroker.shared().writer()) {
            int n = 0;
            while (sending.get()) {
                String patientId = patients.get(n++ % patients.size());
                EventEnvelope envelope = access(patientId);
                producer.send(DirectEventPublisher.record(Topics.AUDIT_EVENTS, patientId, envelope))
                        .get();
                sent.add(new Sent(envelope, Instant.now()));
                Thread.sleep(SEND_EVERY.toMillis());
            }
        } catch (Exception e) {
            if (sending.get()) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static EventEnvelope access(String patientId) {
        return Envelopes.wrap(
                AuditEvent.newBuilder()
                        .setActorId("user-" + patientId)
                        .setActorType(ActorType.PATIENT)
                        .setPatientId(patientId)
                        .setAction("records.GetHealthSummary")
                        .setResource("HealthSummary")
                        .setOutcome(Outcome.SUCCESS)
                        .setClientIp("203.0.113." + ThreadLocalRandom.current().nextInt(1, 255))
                        .setUserAgent("Mozilla/5.0 (outage test)")
                        .build(),
                patientId,
                "records-service",
                null,
                Instant.now());
    }

    /** Source id to number of entries, once at least {@code expected} record accesses of the patients are logged. */
    private Map<String, Integer> awaitLogged(List<String> patients, int expected, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        Map<String, Integer> logged = Map.of();
        while (System.nanoTime() < deadline) {
            logged = new HashMap<>();
            for (Map<String, Object> row : jdbc.queryForList(
                    "select source_id, count(*) as n from access_log_entry where patient_id in (?, ?, ?)"
                            + " group by source_id",
                    patients.toArray())) {
                logged.put((String) row.get("source_id"), ((Number) row.get("n")).intValue());
            }
            if (logged.size() >= expected) {
                return logged;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("only " + logged.size() + " of " + expected + " accesses logged in " + wait);
    }

    private Map<String, Instant> recordedAt(List<String> patients) {
        return jdbc
                .queryForList(
                        "select source_id, recorded_at from access_log_entry where patient_id in (?, ?, ?)",
                        patients.toArray())
                .stream()
                .collect(Collectors.toMap(
                        row -> (String) row.get("source_id"),
                        row -> ((java.sql.Timestamp) row.get("recorded_at")).toInstant()));
    }

    /**
     * Takes the identity database away from the service as a crash or a failover would: no new connections, and the
     * open ones (the service's pool) are cut.
     */
    private static void allowConnections(boolean allow) throws SQLException {
        try (Connection admin =
                        DriverManager.getConnection(PostgresServer.shared().jdbcUrl("postgres"), credentials());
                Statement statement = admin.createStatement()) {
            statement.execute("ALTER DATABASE " + DB.name() + " WITH ALLOW_CONNECTIONS " + allow);
            if (!allow) {
                try (PreparedStatement terminate = admin.prepareStatement(
                        "select pg_terminate_backend(pid) from pg_stat_activity where datname = ? and pid <> pg_backend_pid()")) {
                    terminate.setString(1, DB.name());
                    terminate.execute();
                }
            }
        }
    }

    private static Properties credentials() {
        Properties properties = new Properties();
        properties.setProperty("user", DB.username());
        properties.setProperty("password", DB.password());
        properties.setProperty("connectTimeout", "5");
        return properties;
    }

    private double deadLetters() {
        return meters.find(DeadLetterRecoverer.METRIC).tag("topic", Topics.AUDIT_EVENTS).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }
}
