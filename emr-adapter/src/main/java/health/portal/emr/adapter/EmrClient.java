package health.portal.emr.adapter;

import ca.uhn.fhir.context.FhirContext;
import health.portal.emr.adapter.mapping.QuestionnaireMapping;
import health.portal.proto.FhirIds;
import health.portal.proto.records.v1.Appointment;
import health.portal.proto.records.v1.BillingAccount;
import health.portal.proto.records.v1.CareTeam;
import health.portal.proto.records.v1.Charge;
import health.portal.proto.records.v1.Document;
import health.portal.proto.records.v1.DocumentContent;
import health.portal.proto.records.v1.FileCommunicationRequest;
import health.portal.proto.records.v1.FileQuestionnaireResponseRequest;
import health.portal.proto.records.v1.FiledMessage;
import health.portal.proto.records.v1.HealthSummary;
import health.portal.proto.records.v1.LabReport;
import health.portal.proto.records.v1.MailingAddress;
import health.portal.proto.records.v1.MessageContent;
import health.portal.proto.records.v1.PatientProfile;
import health.portal.proto.records.v1.QuestionnaireForm;
import health.portal.proto.records.v1.Visit;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

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
    /** Communication.category codes: medical-question, prescription-renewal, appointment, billing, other. */
    public static final String MESSAGE_CATEGORY_SYSTEM = "urn:health-portal:message-category";
    /** Questionnaire.code system telling a lesson ({@code lesson}) from a survey ({@code survey}). */
    public static final String QUESTIONNAIRE_KIND_SYSTEM = QuestionnaireMapping.KIND_SYSTEM;

    public static final String QUESTIONNAIRE_RESPONSE_KEY_SYSTEM = "urn:health-portal:questionnaire-response-key";

    private final FhirAccess access;
    private final ResourceReads reads;
    private final HealthSummaries summaries;
    private final RecordLists lists;
    private final RecordExport export;
    private final RecordFiling filing;
    private final CareTeams careTeams;
    private final Messages messages;
    private final Billing billing;
    private final ChangeFeed changes;

    public EmrClient(EmrSettings settings) {
        this(settings, ForeignResourceListener.NONE);
    }

    /** @param foreign told of every resource of another patient the EMR returned (and the adapter dropped) */
    public EmrClient(EmrSettings settings, ForeignResourceListener foreign) {
        this.access = new FhirAccess(settings, foreign);
        this.reads = new ResourceReads(access);
        this.summaries = new HealthSummaries(access, reads);
        this.lists = new RecordLists(access, reads);
        this.export = new RecordExport(access, reads, foreign);
        this.filing = new RecordFiling(access, reads);
        this.careTeams = new CareTeams(access, reads);
        this.messages = new Messages(access, reads);
        this.billing = new Billing(access, reads);
        this.changes = new ChangeFeed(access, access.guard().withOwnCircuit("emr-changes"));
    }

    public EmrGuard guard() {
        return access.guard();
    }

    /**
     * Changes across all patients by {@code _lastUpdated}, for EMRs without Subscriptions; behind a circuit of its own
     * (sharing the connections), so that its failures do not stop patients' reads.
     */
    public ChangeFeed changes() {
        return changes;
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

    /**
     * The patient's whole record as one FHIR collection Bundle (ONC 170.315(e)(1)), to be written with
     * {@link BundleExport#writeTo}: read from the EMR while it is written, never held whole, not kept.
     *
     * @throws UnknownPatientException before anything is written, when the EMR has no such patient
     */
    public BundleExport openExport(String patientId) {
        return export.open(patientId);
    }

    /**
     * Files a message into the record as a FHIR Communication, once per idempotency key, so it may be retried.
     *
     * @return the Communication's id in the EMR
     */
    public String fileCommunication(FileCommunicationRequest request) {
        return fileCommunication(
                request,
                MessageContent.newBuilder()
                        .setSubject(request.getSubject())
                        .setText(request.getText())
                        .build());
    }

    /**
     * Files a message whose content (subject, text, attachments) travels apart from the request, as a sealed
     * request's does; urgent messages are filed with priority stat, attachments as payload.contentAttachment.
     */
    public String fileCommunication(FileCommunicationRequest request, MessageContent content) {
        return filing.fileCommunication(request, content);
    }

    /**
     * The providers the patient may write to: the active CareTeams' practitioners (else generalPractitioner), the
     * patient's own first, each with out-of-office windows and who covers, and the practice with phone and time zone.
     */
    public CareTeam careTeam(String patientId) {
        return careTeams.careTeam(patientId);
    }

    /**
     * The patient's filed messages in these threads (oldest first per thread); messages of other patients never,
     * whatever the EMR returns. Without data, attachments carry type, title and size only.
     */
    public List<FiledMessage> communications(String patientId, List<String> threadIds, boolean withData) {
        return messages.communications(patientId, threadIds, withData);
    }

    /** A survey or lesson as the patient is to see it; empty when the EMR has no such questionnaire. */
    public Optional<QuestionnaireForm> questionnaire(String patientId, String questionnaireId) {
        reads.requirePatientProfile(patientId);
        return reads.questionnaire(questionnaireId).map(QuestionnaireMapping::form);
    }

    /**
     * Files the patient's answers, each typed by the Questionnaire's item, once per idempotency key.
     *
     * @throws IllegalArgumentException an unknown questionnaire or linkId, a value of the wrong type, a required item
     *                                  unanswered
     */
    public String fileQuestionnaireResponse(FileQuestionnaireResponseRequest request) {
        FhirIds.require(request.getPatientId(), "patient_id");
        Questionnaire q = reads.questionnaire(request.getQuestionnaireId())
                .orElseThrow(() -> new IllegalArgumentException("no such questionnaire"));
        return filing.fileQuestionnaireResponse(
                request.getPatientId(), request.getIdempotencyKey(), QuestionnaireAnswers.response(q, request));
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

    /** The patient's guarantor accounts (FHIR Account), by id. */
    public List<BillingAccount> billingAccounts(String patientId) {
        return billing.accounts(patientId);
    }

    /**
     * The charges of one of the patient's accounts, oldest first, only the named ones when {@code chargeItemIds} is not
     * empty; empty when the account is not the patient's. Each carries its description (health information: the
     * caller keeps it in memory only) and its price exactly in minor units.
     *
     * @throws EmrInvalidDataException a price that is not exact in its currency's minor units, or in another currency
     */
    public Optional<List<Charge>> charges(String patientId, String accountId, List<String> chargeItemIds) {
        return billing.charges(patientId, accountId, chargeItemIds);
    }

    /** The patient's name and current home or postal address; empty when the EMR has no such patient or address. */
    public Optional<MailingAddress> mailingAddress(String patientId) {
        return billing.mailingAddress(patientId);
    }
}
