package health.portal.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import health.portal.proto.events.v1.ActorType;
import health.portal.proto.events.v1.Outcome;
import health.portal.proto.records.v1.DocumentRequest;
import health.portal.proto.records.v1.FileCommunicationRequest;
import health.portal.proto.records.v1.FileQuestionnaireResponseRequest;
import health.portal.proto.records.v1.ListChargesRequest;
import health.portal.proto.records.v1.PagedPatientRequest;
import health.portal.proto.records.v1.PatientRequest;
import health.portal.proto.records.v1.QuestionnaireAnswer;
import health.portal.proto.records.v1.QuestionnaireRequest;
import health.portal.proto.records.v1.ReadCommunicationsRequest;
import health.portal.proto.records.v1.RecordsServiceGrpc.RecordsServiceBlockingStub;
import health.portal.proto.records.v1.VerifyPatientRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Who may call what, over every rpc: the patient for their own record, never another's; a clinician signed in as staff
 * with a second factor for anyone's record, with a stated purpose (no other staff role, no sign-in without a second
 * factor); each service client only the calls it was granted (identity-service: VerifyPatient; messaging-service: the
 * care team, its messages, questionnaires and answers; billing-service: accounts, charges, the mailing address); a
 * client without a grant, or without a role, nothing; no or bad token never. Each call, allowed or refused, leaves exactly one audit
 * record with the caller, the patient, the action and the outcome.
 */
class AccessMatrixTest extends GrpcTestBase {

    static final String OWN = "demo-alex";
    static final String OTHER = "demo-sam";

    enum Who {
        PATIENT_OWN(() -> tokens.patient(OWN), ActorType.PATIENT),
        PATIENT_OTHER(() -> tokens.patient(OTHER), ActorType.PATIENT), // Sam's token naming Alex's record
        STAFF(tokens::staff, ActorType.STAFF, "TREAT"),
        STAFF_WITHOUT_PURPOSE(tokens::staff, ActorType.STAFF),
        STAFF_UNKNOWN_PURPOSE(tokens::staff, ActorType.STAFF, "CURIOSITY"),
        FRONT_DESK(() -> tokens.staff(List.of("front-desk"), List.of("pwd", "otp")), ActorType.STAFF, "TREAT"),
        // a clinician whose sign-in had no second factor, or who signed in to the patient portal: no staff there
        CLINICIAN_WITHOUT_SECOND_FACTOR(
                () -> tokens.staff(List.of("clinician"), List.of("pwd")), ActorType.ACTOR_TYPE_UNSPECIFIED, "TREAT"),
        CLINICIAN_IN_THE_PATIENT_PORTAL(tokens::staffThroughPatientPortal, ActorType.ACTOR_TYPE_UNSPECIFIED, "TREAT"),
        SERVICE(tokens::service, ActorType.SERVICE),
        IDENTITY_SERVICE(() -> tokens.service("identity-service"), ActorType.SERVICE),
        MESSAGING_SERVICE(() -> tokens.service("messaging-service"), ActorType.SERVICE),
        BILLING_SERVICE(() -> tokens.service("billing-service"), ActorType.SERVICE),
        UNGRANTED_SERVICE(() -> tokens.service("some-other-client"), ActorType.SERVICE),
        GATEWAY_CLIENT(() -> tokens.client("portal-web"), ActorType.ACTOR_TYPE_UNSPECIFIED),
        NO_ROLES(tokens::noRoles, ActorType.ACTOR_TYPE_UNSPECIFIED),
        NO_TOKEN(() -> null, ActorType.ANONYMOUS),
        EXPIRED(() -> tokens.expired(OWN), ActorType.ANONYMOUS),
        FORGED(() -> tokens.forged(OWN), ActorType.ANONYMOUS),
        OTHER_ISSUER(() -> tokens.otherIssuer(OWN), ActorType.ANONYMOUS),
        OTHER_AUDIENCE(() -> tokens.otherAudience(OWN), ActorType.ANONYMOUS);

        final Supplier<String> token;
        final ActorType actorType;
        final String purposeOfUse;

        Who(Supplier<String> token, ActorType actorType) {
            this(token, actorType, null);
        }

        Who(Supplier<String> token, ActorType actorType, String purposeOfUse) {
            this.token = token;
            this.actorType = actorType;
            this.purposeOfUse = purposeOfUse;
        }
    }

    /** An rpc called for Alex's record, and its expected answer per caller. */
    record Rpc(
            String name,
            BiConsumer<RecordsServiceBlockingStub, String> call,
            Status.Code patientOwn,
            Status.Code staff,
            Status.Code service) {}

    static final List<Rpc> RPCS = List.of(
            new Rpc(
                    "GetPatientProfile",
                    (s, p) -> s.getPatientProfile(
                            PatientRequest.newBuilder().setPatientId(p).build()),
                    Status.Code.OK,
                    Status.Code.OK,
                    Status.Code.OK),
            new Rpc(
                    "GetHealthSummary",
                    (s, p) -> s.getHealthSummary(
                            PatientRequest.newBuilder().setPatientId(p).build()),
                    Status.Code.OK,
                    Status.Code.OK,
                    Status.Code.OK),
            new Rpc(
                    "ListLabResults",
                    (s, p) -> s.listLabResults(
                            PagedPatientRequest.newBuilder().setPatientId(p).build()),
                    Status.Code.OK,
                    Status.Code.OK,
                    Status.Code.OK),
            new Rpc(
                    "ListVisits",
                    (s, p) -> s.listVisits(
                            PagedPatientRequest.newBuilder().setPatientId(p).build()),
                    Status.Code.OK,
                    Status.Code.OK,
                    Status.Code.OK),
            new Rpc(
                    "ListAppointments",
                    (s, p) -> s.listAppointments(
                            PagedPatientRequest.newBuilder().setPatientId(p).build()),
                    Status.Code.OK,
                    Status.Code.OK,
                    Status.Code.OK),
            new Rpc(
                    "ListDocuments",
                    (s, p) -> s.listDocuments(
                            PagedPatientRequest.newBuilder().setPatientId(p).build()),
                    Status.Code.OK,
                    Status.Code.OK,
                    Status.Code.OK),
            new Rpc(
                    "GetDocument",
                    (s, p) -> s.getDocument(DocumentRequest.newBuilder()
                            .setPatientId(p)
                            .setDocumentId("alex-doc-visit-summary")
                            .build()),
                    Status.Code.OK,
                    Status.Code.OK,
                    Status.Code.OK),
            new Rpc(
                    "ExportRecord",
                    (s, p) -> s.exportRecord(
                                    PatientRequest.newBuilder().setPatientId(p).build())
                            .forEachRemaining(chunk -> {}),
                    Status.Code.OK,
                    Status.Code.OK,
                    Status.Code.PERMISSION_DENIED),
            new Rpc(
                    "FileCommunication",
                    (s, p) -> s.fileCommunication(FileCommunicationRequest.newBuilder()
                            .setPatientId(p)
                            .setIdempotencyKey("matrix-" + UUID.randomUUID())
                            .setSenderReference("Patient/" + p)
                            .setRecipientReference("Practitioner/pcp-morgan")
                            .setText("Matrix test message")
                            .build()),
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.OK),
            new Rpc(
                    "VerifyPatient",
                    (s, p) -> s.verifyPatient(VerifyPatientRequest.newBuilder()
                            .setPatientId(p)
                            .setBirthDate("1984-03-15")
                            .build()),
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED),
            // secure messaging: messaging-service's service token only (records-client was not granted them)
            new Rpc(
                    "GetCareTeam",
                    (s, p) -> s.getCareTeam(
                            PatientRequest.newBuilder().setPatientId(p).build()),
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED),
            new Rpc(
                    "ReadCommunications",
                    (s, p) -> s.readCommunications(ReadCommunicationsRequest.newBuilder()
                            .setPatientId(p)
                            .addThreadIds("matrix-thread")
                            .build()),
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED),
            new Rpc(
                    "GetQuestionnaire",
                    (s, p) -> s.getQuestionnaire(QuestionnaireRequest.newBuilder()
                            .setPatientId(p)
                            .setQuestionnaireId("pre-visit-check-in")
                            .build()),
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED),
            new Rpc(
                    "FileQuestionnaireResponse",
                    (s, p) -> s.fileQuestionnaireResponse(FileQuestionnaireResponseRequest.newBuilder()
                            .setPatientId(p)
                            .setIdempotencyKey("matrix-" + UUID.randomUUID())
                            .setQuestionnaireId("pre-visit-check-in")
                            .addAnswers(QuestionnaireAnswer.newBuilder()
                                    .setLinkId("reason")
                                    .setValue("Matrix test"))
                            .build()),
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED),
            // billing: billing-service's service token only
            new Rpc(
                    "ListBillingAccounts",
                    (s, p) -> s.listBillingAccounts(
                            PatientRequest.newBuilder().setPatientId(p).build()),
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED),
            new Rpc(
                    "ListCharges",
                    (s, p) -> s.listCharges(ListChargesRequest.newBuilder()
                            .setPatientId(p)
                            .setAccountId("acct-demo-alex")
                            .build()),
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED),
            new Rpc(
                    "GetMailingAddress",
                    (s, p) -> s.getMailingAddress(
                            PatientRequest.newBuilder().setPatientId(p).build()),
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED,
                    Status.Code.PERMISSION_DENIED));

    /** What records.access.services grants billing-service. */
    static final Set<String> BILLING_GRANTS = Set.of("ListBillingAccounts", "ListCharges", "GetMailingAddress");

    /** What records.access.services grants messaging-service. */
    static final Set<String> MESSAGING_GRANTS = Set.of(
            "GetCareTeam", "ReadCommunications", "FileCommunication", "GetQuestionnaire", "FileQuestionnaireResponse");

    static Stream<Arguments> matrix() {
        List<Arguments> cases = new ArrayList<>();
        for (Rpc rpc : RPCS) {
            for (Who who : Who.values()) {
                Status.Code expected = switch (who) {
                    case PATIENT_OWN -> rpc.patientOwn();
                    case PATIENT_OTHER,
                            NO_ROLES,
                            UNGRANTED_SERVICE,
                            GATEWAY_CLIENT,
                            FRONT_DESK,
                            CLINICIAN_WITHOUT_SECOND_FACTOR,
                            CLINICIAN_IN_THE_PATIENT_PORTAL -> Status.Code.PERMISSION_DENIED;
                    case STAFF -> rpc.staff();
                    case STAFF_WITHOUT_PURPOSE, STAFF_UNKNOWN_PURPOSE ->
                        rpc.staff() == Status.Code.OK ? Status.Code.INVALID_ARGUMENT : rpc.staff();
                    case SERVICE -> rpc.service();
                    case IDENTITY_SERVICE ->
                        rpc.name().equals("VerifyPatient") ? Status.Code.OK : Status.Code.PERMISSION_DENIED;
                    case MESSAGING_SERVICE ->
                        MESSAGING_GRANTS.contains(rpc.name()) ? Status.Code.OK : Status.Code.PERMISSION_DENIED;
                    case BILLING_SERVICE ->
                        BILLING_GRANTS.contains(rpc.name()) ? Status.Code.OK : Status.Code.PERMISSION_DENIED;
                    case NO_TOKEN, EXPIRED, FORGED, OTHER_ISSUER, OTHER_AUDIENCE -> Status.Code.UNAUTHENTICATED;
                };
                cases.add(Arguments.of(rpc.name(), who, expected));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} as {1} -> {2}")
    @MethodSource("matrix")
    void everyRpcForEveryKindOfCaller(String rpcName, Who who, Status.Code expected) {
        Rpc rpc =
                RPCS.stream().filter(r -> r.name().equals(rpcName)).findFirst().orElseThrow();
        String correlationId = newCorrelationId();
        Metadata purpose = new Metadata();
        if (who.purposeOfUse != null) {
            purpose.put(PURPOSE_OF_USE, who.purposeOfUse);
        }
        RecordsServiceBlockingStub stub = stub(who.token.get(), correlationId)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(purpose));

        StatusRuntimeException failure = catchThrowableOfType(
                StatusRuntimeException.class, () -> rpc.call().accept(stub, OWN));
        Status.Code actual =
                failure == null ? Status.Code.OK : failure.getStatus().getCode();
        assertThat(actual)
                .as(rpcName + " as " + who + ": " + (failure == null ? "" : failure.getStatus()))
                .isEqualTo(expected);

        AuditLog.Entry entry = audit().awaitOne(correlationId);
        assertThat(entry.key()).isEqualTo(OWN);
        assertThat(entry.envelope().getSubjectPatientId()).isEqualTo(OWN);
        assertThat(entry.envelope().getProducer()).isEqualTo("records-service");
        assertThat(entry.envelope().getType()).isEqualTo("portal.events.v1.AuditEvent");
        assertThat(entry.event().getAction()).isEqualTo("records." + rpcName);
        assertThat(entry.event().getPatientId()).isEqualTo(OWN);
        assertThat(entry.event().getActorType()).isEqualTo(who.actorType);
        assertThat(entry.event().getOutcome())
                .isEqualTo(
                        switch (expected) {
                            case OK -> Outcome.SUCCESS;
                            case PERMISSION_DENIED, UNAUTHENTICATED -> Outcome.DENIED;
                            case INVALID_ARGUMENT -> Outcome.DENIED; // staff without a stated purpose
                            default -> Outcome.FAILED;
                        });
        assertThat(entry.event().getDetail())
                .isEqualTo(
                        expected != Status.Code.OK
                                ? expected.name()
                                : who == Who.STAFF ? "OK; purpose TREAT (treatment)" : "OK");
        switch (who) {
            case PATIENT_OWN -> assertThat(entry.event().getActorId()).isEqualTo("user-demo-alex");
            case PATIENT_OTHER -> assertThat(entry.event().getActorId()).isEqualTo("user-demo-sam");
            case STAFF -> {
                assertThat(entry.event().getActorId()).isEqualTo("staff-user-1");
                // a named person: the patient's access log shows their user ID
                assertThat(entry.event().getActorName()).isEqualTo("staff-user-1");
            }
            case SERVICE -> assertThat(entry.event().getActorId()).isEqualTo("service-account-records-client");
            case IDENTITY_SERVICE ->
                assertThat(entry.event().getActorId()).isEqualTo("service-account-identity-service");
            case MESSAGING_SERVICE ->
                assertThat(entry.event().getActorId()).isEqualTo("service-account-messaging-service");
            case BILLING_SERVICE -> assertThat(entry.event().getActorId()).isEqualTo("service-account-billing-service");
            default -> {}
        }
        assertThat(entry.event().getClientIp()).isEqualTo("127.0.0.1");
        // no clinical content in the audit record, whatever the call returned
        assertThat(entry.envelope().toString())
                .doesNotContain(
                        "Rivera", "Lisinopril", "Cholesterol", "Penicillin", "Office visit", "metabolic", "Elm Street");
    }
}
