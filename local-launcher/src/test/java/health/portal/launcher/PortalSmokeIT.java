package health.portal.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.infra.keycloak.BrowserSignIn;
import health.portal.proto.records.v1.PatientRequest;
import health.portal.proto.records.v1.RecordsServiceGrpc;
import health.portal.proto.records.v1.RecordsServiceGrpc.RecordsServiceBlockingStub;
import health.portal.proto.records.v1.VerifyPatientRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The whole portal as the launcher runs it (every service its own process, real Keycloak, Kafka, PostgreSQL, Redis,
 * the FHIR sandbox), driven from outside like a patient's phone: sign in through Keycloak's login form, then call the
 * gateway over HTTPS.
 */
@ExtendWith(SharedStack.class)
class PortalSmokeIT {

    static LocalPortal stack;
    static BrowserSignIn.Tokens demoTokens;

    @BeforeAll
    static void startPortal() {
        stack = SharedStack.running().portal();
        DemoPatient.Credentials demo = SharedStack.running().alex();
        demoTokens = BrowserSignIn.signIn(
                stack.keycloak(), "portal-mobile", null, "http://127.0.0.1/callback", demo.username(), demo.password());
    }

    @Test
    void gatewayAnswersHealthOverHttps() throws Exception {
        HttpResponse<String> health = get("/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"");
        assertNoStore(health);
    }

    @Test
    void signedInDemoPatientSeesTheirIdentityFromIdentityService() throws Exception {
        HttpResponse<String> me = get("/api/me", demoTokens.accessToken());

        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"" + DemoPatient.PATIENT_ID + "\"").contains(DemoPatient.USERNAME);
        assertNoStore(me);
    }

    @Test
    void withoutATokenTheAnswerIs401AndIsNotCached() throws Exception {
        HttpResponse<String> me = get("/api/me", null);

        assertThat(me.statusCode()).isEqualTo(401);
        assertNoStore(me);
    }

    @Test
    void aForgedTokenIsRefused() throws Exception {
        String[] parts = demoTokens.accessToken().split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();

        HttpResponse<String> me = get("/api/me", forged);

        assertThat(me.statusCode()).isEqualTo(401);
        assertNoStore(me);
    }

    /** As after `./mvnw -Plocal package`: the demo's month-end run left last month's statement, paperless. */
    @Test
    void theDemoPatientsBillingSummaryHasLastMonthsStatement() throws Exception {
        HttpResponse<String> summary = get("/api/billing/summary", demoTokens.accessToken());

        assertThat(summary.statusCode()).as(summary.body()).isEqualTo(200);
        String lastMonthEnd = java.time.YearMonth.now(java.time.ZoneId.of("America/New_York"))
                .minusMonths(1)
                .atEndOfMonth()
                .toString();
        assertThat(summary.body())
                .contains("\"periodEnd\":\"" + lastMonthEnd + "\"")
                .contains("\"delivery\":\"PAPERLESS\"");
        assertNoStore(summary);
    }

    @Test
    void demoPatientReadsTheirHealthSummaryFromTheEmrThroughTheInnerZone() throws Exception {
        HttpResponse<String> summary = get("/api/records/summary", demoTokens.accessToken());

        assertThat(summary.statusCode()).isEqualTo(200);
        assertThat(summary.body()).contains("Rivera");
        assertNoStore(summary);
    }

    @Test
    void theDemoPatientsVideoVisitComesWithTheLimitationsOfATelemedicineVisit() throws Exception {
        HttpResponse<String> appointments = get("/api/records/appointments", demoTokens.accessToken());

        assertThat(appointments.statusCode()).isEqualTo(200);
        // the sandbox's Appointment with service category VR, mapped by the adapter in records-service
        assertThat(appointments.body())
                .contains("\"id\":\"alex-appt-video-visit\"")
                .contains("\"telemedicine\":true")
                .contains("conditions that a complete physical exam would find may not be picked up");
        assertNoStore(appointments);
    }

    @Test
    void recordsServiceGivesEachCallerOnlyWhatItMay() {
        PatientRequest alex =
                PatientRequest.newBuilder().setPatientId(DemoPatient.PATIENT_ID).build();
        PatientRequest sam =
                PatientRequest.newBuilder().setPatientId("demo-sam").build();
        String identityService = stack.keycloak().serviceAccountToken("identity-service");
        String otherService = stack.keycloak()
                .serviceAccountToken(
                        "smoke-other-service",
                        stack.keycloak().createServiceClient("smoke-other-service", true, List.of("records-service")));
        String otherAudience = stack.keycloak()
                .serviceAccountToken(
                        "smoke-no-audience",
                        stack.keycloak().createServiceClient("smoke-no-audience", false, List.of("records-service")));

        assertThat(recordsStatus(demoTokens.accessToken(), s -> s.getHealthSummary(alex)))
                .isEqualTo(Status.Code.OK);
        // a patient's token naming another patient
        assertThat(recordsStatus(demoTokens.accessToken(), s -> s.getHealthSummary(sam)))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        // identity-service may check a patient at enrollment, and read nothing
        assertThat(recordsStatus(
                        identityService,
                        s -> s.verifyPatient(VerifyPatientRequest.newBuilder()
                                .setPatientId(DemoPatient.PATIENT_ID)
                                .setBirthDate("1984-03-15")
                                .build())))
                .isEqualTo(Status.Code.OK);
        assertThat(recordsStatus(identityService, s -> s.getHealthSummary(alex)))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(recordsStatus(identityService, s -> s.getPatientProfile(alex)))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        // a service account of a client records-service granted nothing, even with the role
        assertThat(recordsStatus(otherService, s -> s.getHealthSummary(alex))).isEqualTo(Status.Code.PERMISSION_DENIED);
        // a genuine token of the realm, but not issued for the portal's API
        assertThat(recordsStatus(otherAudience, s -> s.getHealthSummary(alex))).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void thePatientsAccessLogShowsTheirOwnDeviceForARecordRead() throws Exception {
        String device = "PortalSmokeIT-phone/" + UUID.randomUUID();
        HttpResponse<String> summary = get("/api/records/summary", demoTokens.accessToken(), device);
        assertThat(summary.statusCode()).isEqualTo(200);

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> log = get("/api/me/access-log?size=100", demoTokens.accessToken());
            assertThat(log.statusCode()).isEqualTo(200);
            // the gateway vouched for the phone's own User-Agent; records-service would otherwise log its gRPC one
            assertThat(log.body()).containsPattern("records\\.GetHealthSummary[^}]*" + device.replace(".", "\\."));
        });
    }

    private static Status.Code recordsStatus(String token, Consumer<RecordsServiceBlockingStub> call) {
        ManagedChannel channel = NettyChannelBuilder.forAddress(
                        "127.0.0.1", stack.ports().recordsGrpc())
                .usePlaintext()
                .build();
        try {
            Metadata authorization = new Metadata();
            authorization.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
            call.accept(RecordsServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(authorization))
                    .withDeadlineAfter(20, TimeUnit.SECONDS));
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        } finally {
            channel.shutdownNow();
        }
    }

    private static void assertNoStore(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(value -> assertThat(value).contains("no-store"));
    }

    private static HttpResponse<String> get(String path, String bearer) throws Exception {
        return get(path, bearer, "PortalSmokeIT");
    }

    private static HttpResponse<String> get(String path, String bearer, String userAgent) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gatewayUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("User-Agent", userAgent)
                .GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return LocalPortal.insecureLocalClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
