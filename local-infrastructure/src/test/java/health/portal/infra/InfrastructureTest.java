package health.portal.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.portal.infra.kafka.KafkaBroker;
import health.portal.infra.keycloak.BrowserSignIn;
import health.portal.infra.keycloak.KeycloakServer;
import health.portal.infra.postgres.PostgresServer;
import health.portal.infra.postgres.ThrowawayDatabase;
import health.portal.infra.process.FreePorts;
import health.portal.infra.redis.RedisServer;
import health.portal.infra.smtp.SmtpServer;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The servers the other modules' tests rely on really start and really serve. */
class InfrastructureTest {

    @Test
    void throwawayDatabaseIsUsableAndDroppedOnClose() throws Exception {
        PostgresServer server = PostgresServer.shared();
        String name;
        try (ThrowawayDatabase db = server.createThrowawayDatabase("infratest")) {
            name = db.name();
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
                c.createStatement().execute("CREATE TABLE t (v text)");
                c.createStatement().execute("INSERT INTO t VALUES ('kept')");
                ResultSet rs = c.createStatement().executeQuery("SELECT v FROM t");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("kept");
            }
        }
        try (Connection c =
                DriverManager.getConnection(server.jdbcUrl("postgres"), server.username(), server.password())) {
            var statement = c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?");
            statement.setString(1, name);
            ResultSet rs = statement.executeQuery();
            rs.next();
            assertThat(rs.getInt(1)).as("dropped database %s", name).isZero();
        }
    }

    @Test
    void aThrowawayDatabaseHasALoginRoleOfItsOwnThatOwnsNothingAndGoesWithIt() throws Exception {
        PostgresServer server = PostgresServer.shared();
        String role;
        try (ThrowawayDatabase db = server.createThrowawayDatabase("infrarole")) {
            ThrowawayDatabase.Login login = db.applicationLogin();
            role = login.username();
            assertThat(db.applicationLogin()).as("created once").isEqualTo(login);
            try (Connection admin = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
                admin.createStatement().execute("CREATE TABLE t (v text)");
                admin.createStatement().execute("GRANT SELECT ON t TO " + role);
            }
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), login.username(), login.password())) {
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user");
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(role);
                assertThat(rs.getBoolean(2)).isFalse();
                assertThat(c.createStatement()
                                .executeQuery("SELECT count(*) FROM t")
                                .next())
                        .isTrue();
                assertThatThrownBy(() -> c.createStatement().execute("INSERT INTO t VALUES ('x')"))
                        .hasMessageContaining("permission denied");
            }
        }
        try (Connection c =
                DriverManager.getConnection(server.jdbcUrl("postgres"), server.username(), server.password())) {
            var statement = c.prepareStatement("SELECT count(*) FROM pg_roles WHERE rolname = ?");
            statement.setString(1, role);
            ResultSet rs = statement.executeQuery();
            rs.next();
            assertThat(rs.getInt(1)).as("dropped role %s", role).isZero();
        }
    }

    @Test
    void kafkaBrokerDeliversWhatIsProduced() {
        KafkaBroker broker = KafkaBroker.shared();
        broker.createTopics("infra.test");
        try (var producer = new KafkaProducer<String, String>(
                        Map.of("bootstrap.servers", broker.bootstrapServers()),
                        new StringSerializer(),
                        new StringSerializer());
                var consumer = new KafkaConsumer<String, String>(
                        Map.of(
                                "bootstrap.servers",
                                broker.bootstrapServers(),
                                "group.id",
                                "infra-test",
                                "auto.offset.reset",
                                "earliest"),
                        new StringDeserializer(),
                        new StringDeserializer())) {
            producer.send(new ProducerRecord<>("infra.test", "k", "hello")).get();
            consumer.subscribe(List.of("infra.test"));
            ConsumerRecords<String, String> records = ConsumerRecords.empty();
            for (int i = 0; i < 30 && records.isEmpty(); i++) {
                records = consumer.poll(Duration.ofSeconds(1));
            }
            assertThat(records.iterator().next().value()).isEqualTo("hello");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void keycloakSignsInAPatientThroughItsLoginFormAndCarriesThePatientId() {
        KeycloakServer keycloak = KeycloakServer.shared();
        keycloak.createPatientUser(
                "infra-patient", "Correct-horse-42", "infra-patient@example.org", "demo-alex", "Infra", "Patient");

        BrowserSignIn.Tokens tokens = BrowserSignIn.signIn(
                keycloak, "portal-mobile", null, "http://127.0.0.1/callback", "infra-patient", "Correct-horse-42");

        String claims =
                new String(Base64.getUrlDecoder().decode(tokens.accessToken().split("\\.")[1]), StandardCharsets.UTF_8);
        assertThat(claims)
                .contains("\"patient_id\":\"demo-alex\"")
                .contains("\"patient\"")
                .contains("\"iss\":\"" + keycloak.issuerUri() + "\"")
                .contains("portal-api");
        assertThat(tokens.expiresInSeconds()).isLessThanOrEqualTo(300);

        BrowserSignIn.Result wrong = BrowserSignIn.attempt(
                keycloak.issuerUri(),
                "portal-mobile",
                null,
                "http://127.0.0.1/callback",
                "infra-patient",
                "not-the-password");
        assertThat(wrong.succeeded()).isFalse();
        assertThat(wrong.message()).containsIgnoringCase("invalid");
    }

    @Test
    void theBillingClientsAndTheBillingOfficeGetTheTokensTheirWorkNeeds() {
        KeycloakServer keycloak = KeycloakServer.shared();
        // billing-service reads billing data through records-service on its own behalf
        assertThat(claims(keycloak.serviceAccountToken("billing-service")))
                .contains("\"azp\":\"billing-service\"")
                .contains("\"records-service\"")
                .contains("portal-api");
        // the hospital's billing system posts to billing-service only: no role at records-service
        assertThat(claims(keycloak.serviceAccountToken("billing-system")))
                .contains("\"azp\":\"billing-system\"")
                .contains("portal-api")
                .doesNotContain("\"records-service\"");
        assertThat(keycloak.clientSecrets())
                .containsKeys("BILLING_SERVICE_CLIENT_SECRET", "BILLING_SYSTEM_CLIENT_SECRET");
        // a member of the billing office signs in as staff, and the token carries the role (portal-staff's scope)
        String staff = claims(keycloak.staffSignIn(
                        keycloak.createStaffUser("infra.billing", "Robin", "Ellis", List.of("billing-office")))
                .accessToken());
        assertThat(staff).contains("\"billing-office\"").contains("\"otp\"").contains("portal-api");
    }

    private static String claims(String token) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    @Test
    void smtpServerKeepsWhatItReceives() throws Exception {
        SmtpServer smtp = SmtpServer.shared();
        Properties props = new Properties();
        props.put("mail.smtp.host", smtp.host());
        props.put("mail.smtp.port", String.valueOf(smtp.port()));
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("portal@example.org"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("alex@example.org"));
        message.setSubject("You have a new message");
        message.setText("Sign in to read it.");
        Transport.send(message);
        assertThat(smtp.awaitMessages(1, 10_000)).isTrue();
        assertThat(smtp.receivedMessages()).extracting(MimeMessage::getSubject).contains("You have a new message");
    }

    @Test
    void redisAnswers() {
        RedisServer redis = RedisServer.shared();
        assertThat(FreePorts.isListening(redis.host(), redis.port())).isTrue();
    }
}
