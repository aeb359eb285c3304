package health.portal.emr.adapter;

import ca.uhn.fhir.context.FhirContext;
import health.portal.proto.records.v1.Appointment;
import health.portal.proto.records.v1.Document;
import health.portal.proto.records.v1.DocumentContent;
import health.portal.proto.records.v1.FileCommunicationRequest;
import health.portal.proto.records.v1.HealthSummary;
import health.portal.proto.records.v1.LabReport;
import health.portal.proto.records.v1.PatientProfile;
import health.portal.proto.records.v1.Visit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Resource;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * The portal's view of an EMR over FHIR R4 (US Core). Every method reads or writes the EMR live and keeps nothing:
 * the EMR stays the only store of clinical content. Failures surface as {@link EmrUnavailableException},
 * {@link EmrInvalidDataException}, {@link UnknownPatientException} or {@link IllegalArgumentException} (bad input).
 */
public class EmrClient {

    /** Identifier system of Communications filed by the portal; the value is patient id + ":" + idempotency key. */
    public static final String COMMUNICATION_KEY_SYSTEM = "urn:health-portal:communication-key";

    public static final String THREAD_SYSTEM = "urn:health-portal:message-thread";
    public static final String QUESTIONNAIRE_RESPONSE_KEY_SYSTEM = "urn:health-portal:questionnaire-response-key";

    private final FhirAccess access;
    private final ResourceReads reads;
    private final HealthSummaries summaries;
    private final RecordLists lists;
    private final RecordExport export;
    private final RecordFiling filing;

    public EmrClient(EmrSettings settings) {
        this(settings, ForeignResourceListener.NONE);
    }

    /** @param foreign told of every resource of another patient the EMR returned (and the adapter dropped) */
    public EmrClient(EmrSettings settings, ForeignResourceListener foreign) {
        this.access = new FhirAccess(settings, foreign);
        this.reads = new ResourceReads(access);
        this.summaries = new HealthSummaries(access, reads);
        this.lists = new RecordLists(access, reads);
        this.export = new RecordExport(access, reads);
        this.filing = new RecordFiling(access, reads);
    }

    public EmrGuard guard() {
        return access.guard();
    }

    public FhirContext fhirContext() {
        return access.fhirContext();
    }

    /** The patient's demographics, or empty when the EMR has no such patient. */
    public Optional<PatientProfile> patientProfile(String patientId) {
        return reads.patientProfile(patientId);
    }

    /** True only when the patient exists and has this birth date; an unknown id and a wrong date look the same. */
    public boolean verifyPatient(String patientId, String birthDate) {
        return reads.verifyPatient(patientId, birthDate);
    }

    public HealthSummary healthSummary(String patientId) {
        return summaries.healthSummary(patientId);
    }

    /** Lab reports (DiagnosticReports of category LAB, or any with results), newest first, with their results. */
    public Page<LabReport> labReports(String patientId, int pageSize, String pageToken) {
        return lists.labReports(patientId, pageSize, pageToken);
    }

    public Page<Visit> visits(String patientId, int pageSize, String pageToken) {
        return lists.visits(patientId, pageSize, pageToken);
    }

    public Page<Appointment> appointments(String patientId, int pageSize, String pageToken) {
        return lists.appointments(patientId, pageSize, pageToken);
    }

    public Page<Document> documents(String patientId, int pageSize, String pageToken) {
        return lists.documents(patientId, pageSize, pageToken);
    }

    /**
     * One document with its content, only when it belongs to this patient: a document id of another patient
     * answers empty, exactly like an unknown one.
     */
    public Optional<DocumentContent> document(String patientId, String documentId) {
        return reads.document(patientId, documentId);
    }

    /** The patient's whole record as one FHIR collection Bundle (ONC 170.315(e)(1)); built per request, not kept. */
    public Bundle exportRecord(String patientId) {
        return export.exportRecord(patientId);
    }

    /** Writes a resource as FHIR JSON to the stream (the caller chunks it). */
    public void writeJson(Resource resource, OutputStream out) throws IOException {
        export.writeJson(resource, out);
    }

    /**
     * Files a message into the record as a FHIR Communication, once per idempotency key, so it may be retried.
     *
     * @return the Communication's id in the EMR
     */
    public String fileCommunication(FileCommunicationRequest request) {
        return filing.fileCommunication(request);
    }

    public Optional<Questionnaire> questionnaire(String id) {
        return reads.questionnaire(id);
    }

    /** Active questionnaires the EMR offers. */
    public List<Questionnaire> activeQuestionnaires() {
        return lists.activeQuestionnaires();
    }

    public List<QuestionnaireResponse> questionnaireResponses(String patientId) {
        return lists.questionnaireResponses(patientId);
    }

    /** Files a completed survey answer for the patient, once per idempotency key. */
    public String fileQuestionnaireResponse(String patientId, String idempotencyKey, QuestionnaireResponse response) {
        return filing.fileQuestionnaireResponse(patientId, idempotencyKey, response);
    }
}
