package health.portal.records;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import health.portal.emr.sandbox.EmrSandbox;
import health.portal.infra.kafka.KafkaBroker;
import health.portal.infra.process.ChildProcess;
import health.portal.infra.process.FreePorts;
import health.portal.infra.process.InfrastructureSettings;
import health.portal.proto.records.v1.ExportChunk;
import health.portal.proto.records.v1.PatientRequest;
import health.portal.proto.records.v1.RecordsServiceGrpc;
import health.portal.testsupport.TestTokens;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import org.apache.kafka.common.errors.TopicExistsException;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A record of 50,000 resources exported through records-service running as its own process with a 256 MB heap:
 * more than the export's own size would fit in it twice, so it completes only if the record streams through.
 */
class LargeExportTest {

    private static final int RESOURCES = 50_000;
    private static final String PATIENT = "export-large";
    // about 3 KB per Observation: an export of some 170 MB
    private static final String NOTE = "Reading taken at home and reported through the device gateway. ".repeat(48);
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> PURPOSE_OF_USE =
            Metadata.Key.of("x-purpose-of-use", Metadata.ASCII_STRING_MARSHALLER);

    private static EmrSandbox sandbox;
    private static ChildProcess records;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() {
        // a sandbox of its own: 50,000 more Observations would change what the shared one's tests see
        sandbox = EmrSandbox.start(EmrSandbox.Options.defaults());
        sandbox.record(new Patient()
                .addName(new HumanName().setFamily("Export").addGiven("Large"))
                .setGender(Enumerations.AdministrativeGender.FEMALE)
                .setId(PATIENT));
        Date start = Date.from(Instant.parse("2020-01-01T00:00:00Z"));
        for (int i = 0; i < RESOURCES; i++) {
            Observation o = new Observation()
                    .setStatus(Observation.ObservationStatus.FINAL)
                    .setCode(new CodeableConcept(new Coding("http://loinc.org", "8867-4", "Heart rate")))
                    .setSubject(new Reference("Patient/" + PATIENT))
                    .setEffective(new DateTimeType(new Date(start.getTime() + i * 60_000L)))
                    .setValue(new Quantity().setValue(60 + i % 40).setUnit("/min"))
                    .addNote(new Annotation().setText(i + ": " + NOTE));
            o.setId("hr-" + i);
            sandbox.record(o);
        }
        KafkaBroker kafka = KafkaBroker.shared();
        createAuditTopic(kafka);
        TestTokens tokens = TestTokens.shared();
        int grpcPort = FreePorts.find();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                RecordsServiceApplication.class.getName()));
        Map.of(
                        "spring.grpc.server.port", String.valueOf(grpcPort),
                        "spring.grpc.server.ssl.enabled", "false",
                        "server.port", "0",
                        "spring.kafka.bootstrap-servers", kafka.bootstrapServers(),
                        "records.emr.base-url", sandbox.fhirBaseUrl(),
                        "records.new-information.enabled", "false",
                        "spring.security.oauth2.resourceserver.jwt.issuer-uri", tokens.issuer(),
                        "spring.security.oauth2.resourceserver.jwt.jwk-set-uri", tokens.jwkSetUri())
                .forEach((key, value) -> command.add("--" + key + "=" + value));
        Path log =
                InfrastructureSettings.testLogDirectory().resolve("records-service-large-export-" + grpcPort + ".log");
        records = ChildProcess.start("records-service", command, Map.of(), Path.of("."), log);
        records.awaitReady(Duration.ofSeconds(180), () -> FreePorts.isListening("127.0.0.1", grpcPort));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort)
                .usePlaintext()
                .build();
    }

    /** The first test class of the JVM to need the audit topic makes it. */
    private static void createAuditTopic(KafkaBroker kafka) {
        try {
            kafka.createTopics("portal.audit.events");
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof TopicExistsException) {
                    return;
                }
            }
            throw e;
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (records != null) {
            records.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void fiftyThousandResourcesExportWholeWithA256MegabyteHeap() throws IOException {
        Metadata md = new Metadata();
        md.put(AUTHORIZATION, "Bearer " + TestTokens.shared().staff());
        md.put(PURPOSE_OF_USE, "TREAT");
        Iterator<ExportChunk> chunks = RecordsServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                .withDeadlineAfter(10, TimeUnit.MINUTES)
                .exportRecord(PatientRequest.newBuilder().setPatientId(PATIENT).build());
        Path file = Files.createTempFile("large-export", ".json");
        try {
            long bytes = 0;
            try (OutputStream out = Files.newOutputStream(file)) {
                while (chunks.hasNext()) {
                    ExportChunk chunk = chunks.next();
                    chunk.getData().writeTo(out);
                    bytes += chunk.getData().size();
                }
            }
            assertThat(records.isAlive()).as("records-service still running").isTrue();
            assertThat(bytes).as("the export is larger than half the heap").isGreaterThan(128L * 1024 * 1024);
            assertThat(entries(file)).isEqualTo(RESOURCES + 1); // the patient, then every Observation once
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Reads the Bundle as a stream of tokens: its type, no total, and how many entries (each one whole). */
    private static int entries(Path file) throws IOException {
        int entries = 0;
        try (JsonParser json = new JsonFactory().createParser(file.toFile())) {
            assertThat(json.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "resourceType" -> assertThat(json.getText()).isEqualTo("Bundle");
                    case "type" -> assertThat(json.getText()).isEqualTo("collection");
                    case "total" -> throw new AssertionError("a collection has no total");
                    case "entry" -> {
                        assertThat(value).isEqualTo(JsonToken.START_ARRAY);
                        while (json.nextToken() == JsonToken.START_OBJECT) {
                            json.skipChildren();
                            entries++;
                        }
                    }
                    default -> json.skipChildren();
                }
            }
            assertThat(json.currentToken()).isEqualTo(JsonToken.END_OBJECT);
            assertThat(json.nextToken()).as("nothing after the Bundle").isNull();
        }
        return entries;
    }
}
