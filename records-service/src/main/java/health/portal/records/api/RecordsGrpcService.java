package health.portal.records.api;

import health.portal.emr.adapter.BundleExport;
import health.portal.emr.adapter.EmrClient;
import health.portal.emr.adapter.Page;
import health.portal.proto.records.v1.AppointmentPage;
import health.portal.proto.records.v1.BillingAccountList;
import health.portal.proto.records.v1.CareTeam;
import health.portal.proto.records.v1.ChargeList;
import health.portal.proto.records.v1.CommunicationList;
import health.portal.proto.records.v1.DocumentContent;
import health.portal.proto.records.v1.DocumentPage;
import health.portal.proto.records.v1.DocumentRequest;
import health.portal.proto.records.v1.ExportChunk;
import health.portal.proto.records.v1.FileCommunicationRequest;
import health.portal.proto.records.v1.FileQuestionnaireResponseRequest;
import health.portal.proto.records.v1.FiledCommunication;
import health.portal.proto.records.v1.FiledQuestionnaireResponse;
import health.portal.proto.records.v1.HealthSummary;
import health.portal.proto.records.v1.LabReportPage;
import health.portal.proto.records.v1.ListChargesRequest;
import health.portal.proto.records.v1.MailingAddress;
import health.portal.proto.records.v1.PagedPatientRequest;
import health.portal.proto.records.v1.PatientProfile;
import health.portal.proto.records.v1.PatientRequest;
import health.portal.proto.records.v1.QuestionnaireForm;
import health.portal.proto.records.v1.QuestionnaireRequest;
import health.portal.proto.records.v1.ReadCommunicationsRequest;
import health.portal.proto.records.v1.RecordsServiceGrpc;
import health.portal.proto.records.v1.VerifyPatientRequest;
import health.portal.proto.records.v1.VerifyPatientResponse;
import health.portal.proto.records.v1.VisitPage;
import health.portal.records.access.AccessRule;
import health.portal.records.sealing.SealedMessages;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.springframework.stereotype.Service;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

/** records.proto over the EMR. Each rpc states its access rule and the FHIR resource it touches (for the audit). */
@Service
public class RecordsGrpcService extends RecordsServiceGrpc.RecordsServiceImplBase {

    private final EmrClient emr;
    private final GuardedCall guarded;
    private final SealedMessages sealed;
    private final RecordExports exports;

    RecordsGrpcService(EmrClient emr, GuardedCall guarded, SealedMessages sealed, RecordExports exports) {
        this.emr = emr;
        this.guarded = guarded;
        this.sealed = sealed;
        this.exports = exports;
    }

    @Override
    public void getPatientProfile(PatientRequest request, StreamObserver<PatientProfile> response) {
        unary(
                response,
                "GetPatientProfile",
                "Patient",
                request.getPatientId(),
                AccessRule.READ,
                () -> emr.patientProfile(request.getPatientId())
                        .orElseThrow(() -> Status.NOT_FOUND
                                .withDescription("No such patient")
                                .asRuntimeException()));
    }

    @Override
    public void getHealthSummary(PatientRequest request, StreamObserver<HealthSummary> response) {
        unary(
                response,
                "GetHealthSummary",
                "Patient,AllergyIntolerance,Condition,MedicationRequest,Immunization,Observation",
                request.getPatientId(),
                AccessRule.READ,
                () -> emr.healthSummary(request.getPatientId()));
    }

    @Override
    public void listLabResults(PagedPatientRequest request, StreamObserver<LabReportPage> response) {
        unary(
                response,
                "ListLabResults",
                "DiagnosticReport,Observation",
                request.getPatientId(),
                AccessRule.READ,
                () -> {
                    Page<health.portal.proto.records.v1.LabReport> page =
                            emr.labReports(request.getPatientId(), request.getPageSize(), request.getPageToken());
                    return LabReportPage.newBuilder()
                            .addAllReports(page.items())
                            .setNextPageToken(page.nextPageToken())
                            .build();
                });
    }

    @Override
    public void listVisits(PagedPatientRequest request, StreamObserver<VisitPage> response) {
        unary(response, "ListVisits", "Encounter", request.getPatientId(), AccessRule.READ, () -> {
            var page = emr.visits(request.getPatientId(), request.getPageSize(), request.getPageToken());
            return VisitPage.newBuilder()
                    .addAllVisits(page.items())
                    .setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    @Override
    public void listAppointments(PagedPatientRequest request, StreamObserver<AppointmentPage> response) {
        unary(response, "ListAppointments", "Appointment", request.getPatientId(), AccessRule.READ, () -> {
            var page = emr.appointments(request.getPatientId(), request.getPageSize(), request.getPageToken());
            return AppointmentPage.newBuilder()
                    .addAllAppointments(page.items())
                    .setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    @Override
    public void listDocuments(PagedPatientRequest request, StreamObserver<DocumentPage> response) {
        unary(response, "ListDocuments", "DocumentReference", request.getPatientId(), AccessRule.READ, () -> {
            var page = emr.documents(request.getPatientId(), request.getPageSize(), request.getPageToken());
            return DocumentPage.newBuilder()
                    .addAllDocuments(page.items())
                    .setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    @Override
    public void getDocument(DocumentRequest request, StreamObserver<DocumentContent> response) {
        unary(
                response,
                "GetDocument",
                "DocumentReference",
                request.getPatientId(),
                AccessRule.READ,
                () -> emr.document(request.getPatientId(), request.getDocumentId())
                        .orElseThrow(() -> Status.NOT_FOUND
                                .withDescription("No such document for this patient")
                                .asRuntimeException()));
    }

    @Override
    public void exportRecord(PatientRequest request, StreamObserver<ExportChunk> response) {
        BundleExport export;
        try {
            // audited once the patient is known, before the first byte leaves; the record is read as it is sent
            export = guarded.run(
                    "ExportRecord",
                    "Bundle",
                    request.getPatientId(),
                    AccessRule.EXPORT,
                    () -> emr.openExport(request.getPatientId()));
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        exports.stream(export, (ServerCallStreamObserver<ExportChunk>) response);
    }

    @Override
    public void fileCommunication(FileCommunicationRequest request, StreamObserver<FiledCommunication> response) {
        unary(
                response,
                "FileCommunication",
                "Communication",
                request.getPatientId(),
                AccessRule.SERVICE_ONLY,
                () -> FiledCommunication.newBuilder()
                        .setCommunicationId(emr.fileCommunication(request, MessageContents.of(request, sealed)))
                        .build());
    }

    @Override
    public void getCareTeam(PatientRequest request, StreamObserver<CareTeam> response) {
        unary(
                response,
                "GetCareTeam",
                "CareTeam,PractitionerRole,Practitioner,Organization",
                request.getPatientId(),
                AccessRule.SERVICE_ONLY,
                () -> emr.careTeam(request.getPatientId()));
    }

    @Override
    public void readCommunications(ReadCommunicationsRequest request, StreamObserver<CommunicationList> response) {
        unary(
                response,
                "ReadCommunications",
                "Communication",
                request.getPatientId(),
                AccessRule.SERVICE_ONLY,
                () -> CommunicationList.newBuilder()
                        .addAllMessages(emr.communications(
                                request.getPatientId(), request.getThreadIdsList(), request.getWithAttachmentData()))
                        .build());
    }

    @Override
    public void getQuestionnaire(QuestionnaireRequest request, StreamObserver<QuestionnaireForm> response) {
        unary(
                response,
                "GetQuestionnaire",
                "Questionnaire",
                request.getPatientId(),
                AccessRule.SERVICE_ONLY,
                () -> emr.questionnaire(request.getPatientId(), request.getQuestionnaireId())
                        .orElseThrow(() -> Status.NOT_FOUND
                                .withDescription("No such questionnaire")
                                .asRuntimeException()));
    }

    @Override
    public void fileQuestionnaireResponse(
            FileQuestionnaireResponseRequest request, StreamObserver<FiledQuestionnaireResponse> response) {
        unary(
                response,
                "FileQuestionnaireResponse",
                "QuestionnaireResponse",
                request.getPatientId(),
                AccessRule.SERVICE_ONLY,
                () -> FiledQuestionnaireResponse.newBuilder()
                        .setQuestionnaireResponseId(emr.fileQuestionnaireResponse(request))
                        .build());
    }

    @Override
    public void verifyPatient(VerifyPatientRequest request, StreamObserver<VerifyPatientResponse> response) {
        unary(response, "VerifyPatient", "Patient", request.getPatientId(), AccessRule.SERVICE_ONLY, () -> {
            try {
                LocalDate.parse(request.getBirthDate());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("birth_date must be an ISO-8601 date (yyyy-MM-dd)");
            }
            // unknown id and wrong birth date answer alike: the caller learns nothing about which ids exist
            return VerifyPatientResponse.newBuilder()
                    .setMatch(emr.verifyPatient(request.getPatientId(), request.getBirthDate()))
                    .build();
        });
    }

    // billing-service: ids, amounts and dates it keeps; descriptions and addresses it only holds in memory

    @Override
    public void listBillingAccounts(PatientRequest request, StreamObserver<BillingAccountList> response) {
        unary(
                response,
                "ListBillingAccounts",
                "Account",
                request.getPatientId(),
                AccessRule.SERVICE_ONLY,
                () -> BillingAccountList.newBuilder()
                        .addAllAccounts(emr.billingAccounts(request.getPatientId()))
                        .build());
    }

    @Override
    public void listCharges(ListChargesRequest request, StreamObserver<ChargeList> response) {
        unary(
                response,
                "ListCharges",
                "Account,ChargeItem,Invoice",
                request.getPatientId(),
                AccessRule.SERVICE_ONLY,
                () -> ChargeList.newBuilder()
                        .addAllCharges(emr.charges(
                                        request.getPatientId(), request.getAccountId(), request.getChargeItemIdsList())
                                .orElseThrow(() -> Status.NOT_FOUND
                                        .withDescription("No such account for this patient")
                                        .asRuntimeException()))
                        .build());
    }

    @Override
    public void getMailingAddress(PatientRequest request, StreamObserver<MailingAddress> response) {
        unary(
                response,
                "GetMailingAddress",
                "Patient",
                request.getPatientId(),
                AccessRule.SERVICE_ONLY,
                () -> emr.mailingAddress(request.getPatientId())
                        .orElseThrow(() -> Status.NOT_FOUND
                                .withDescription("No mailing address known for this patient")
                                .asRuntimeException()));
    }

    private <T> void unary(
            StreamObserver<T> response,
            String rpc,
            String resource,
            String patientId,
            AccessRule rule,
            Callable<T> work) {
        T result;
        try {
            result = guarded.run(rpc, resource, patientId, rule, work);
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }
}
