package health.portal.emr.adapter;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.gclient.ReferenceClientParam;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.Timestamps;
import health.portal.emr.adapter.mapping.CareMapping;
import health.portal.emr.adapter.mapping.ClinicalMapping;
import health.portal.emr.adapter.mapping.ObservationMapping;
import health.portal.emr.adapter.mapping.PatientMapping;
import health.portal.emr.adapter.smart.BearerTokenInterceptor;
import health.portal.emr.adapter.smart.SmartBackendAuth;
import health.portal.proto.records.v1.Appointment;
import health.portal.proto.records.v1.Document;
import health.portal.proto.records.v1.DocumentContent;
import health.portal.proto.records.v1.FileCommunicationRequest;
import health.portal.proto.records.v1.HealthSummary;
import health.portal.proto.records.v1.LabReport;
import health.portal.proto.records.v1.LabResult;
import health.portal.proto.records.v1.PatientProfile;
import health.portal.proto.records.v1.Visit;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

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

    /** What an export contains when the EMR does not publish a CapabilityStatement. */
    private static final List<String> EXPORT_TYPES = List.of(
            "AllergyIntolerance",
            "Condition",
            "MedicationRequest",
            "Immunization",
            "Observation",
            "DiagnosticReport",
            "Encounter",
            "Appointment",
            "DocumentReference",
            "Procedure",
            "CarePlan",
            "CareTeam",
            "Goal",
            "Device",
            "ImagingStudy",
            "Communication",
            "QuestionnaireResponse");

    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._~:\\-]{8,128}");
    private static final Pattern PARTY_REFERENCE =
            Pattern.compile("(Patient|Practitioner|PractitionerRole|RelatedPerson|Organization)/[A-Za-z0-9\\-.]{1,64}");
    private static final int MAX_PAGES = 500; // a server whose next links loop must not hold a thread forever

    private final FhirContext fhir;
    private final IGenericClient client;
    private final EmrGuard guard;
    private final EmrSettings settings;
    private volatile List<String> exportTypes;

    public EmrClient(EmrSettings settings) {
        this.settings = settings;
        // own context: the HTTP timeouts live in the context's client factory
        this.fhir = FhirContext.forR4();
        IRestfulClientFactory factory = fhir.getRestfulClientFactory();
        factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
        factory.setConnectTimeout((int) settings.connectTimeout().toMillis());
        factory.setConnectionRequestTimeout((int) settings.connectTimeout().toMillis());
        factory.setSocketTimeout((int) settings.readTimeout().toMillis());
        this.client = fhir.newRestfulGenericClient(settings.baseUrl());
        if (settings.smart() != null) {
            client.registerInterceptor(new BearerTokenInterceptor(new SmartBackendAuth(
                    settings.smart(), settings.connectTimeout().plus(settings.readTimeout()))));
        }
        this.guard = new EmrGuard(settings);
    }

    public EmrGuard guard() {
        return guard;
    }

    public FhirContext fhirContext() {
        return fhir;
    }

    // ---------------------------------------------------------------- patient

    /** The patient's demographics, or empty when the EMR has no such patient. */
    public Optional<PatientProfile> patientProfile(String patientId) {
        return readPatient(patientId).map(PatientMapping::profile);
    }

    /** True only when the patient exists and has this birth date; an unknown id and a wrong date look the same. */
    public boolean verifyPatient(String patientId, String birthDate) {
        if (!FhirIds.isValid(patientId) || birthDate == null || birthDate.isBlank()) {
            return false;
        }
        return readPatient(patientId)
                .map(p -> p.hasBirthDateElement()
                        && birthDate.equals(p.getBirthDateElement().getValueAsString()))
                .orElse(false);
    }

    private Optional<Patient> readPatient(String patientId) {
        FhirIds.require(patientId, "patient_id");
        return Optional.ofNullable(guard.read("read Patient", () -> {
            try {
                return client.read().resource(Patient.class).withId(patientId).execute();
            } catch (ResourceNotFoundException | ResourceGoneException e) {
                return null;
            }
        }));
    }

    private Patient requirePatient(String patientId) {
        return readPatient(patientId).orElseThrow(UnknownPatientException::new);
    }

    // ---------------------------------------------------------------- summary

    public HealthSummary healthSummary(String patientId) {
        Patient patient = requirePatient(patientId);
        HealthSummary.Builder b = HealthSummary.newBuilder().setPatient(PatientMapping.profile(patient));

        searchAll(AllergyIntolerance.class, patientId, null).stream()
                .map(ClinicalMapping::allergy)
                .sorted(Comparator.comparing(
                                (health.portal.proto.records.v1.Allergy a) -> !"active".equals(a.getClinicalStatus()))
                        .thenComparing(
                                health.portal.proto.records.v1.Allergy::getRecordedDate, Comparator.reverseOrder()))
                .forEach(b::addAllergies);

        searchAll(Condition.class, patientId, null).stream()
                .map(ClinicalMapping::problem)
                .sorted(Comparator.comparing(
                                (health.portal.proto.records.v1.Problem p) -> !"active".equals(p.getClinicalStatus()))
                        .thenComparing(health.portal.proto.records.v1.Problem::getOnsetDate, Comparator.reverseOrder()))
                .forEach(b::addProblems);

        Map<String, Resource> included = new HashMap<>();
        List<MedicationRequest> requests =
                searchAll(MedicationRequest.class, patientId, MedicationRequest.INCLUDE_MEDICATION, included);
        for (MedicationRequest r : requests) {
            if (r.hasMedicationReference() && r.getMedicationReference().getResource() == null) {
                String medId = r.getMedicationReference().getReferenceElement().getIdPart();
                Resource med = included.get("Medication/" + medId);
                if (med == null && FhirIds.isValid(medId)) {
                    // the EMR ignored _include: read it (once per distinct medication)
                    med = readOptional(Medication.class, medId);
                    if (med != null) {
                        included.put("Medication/" + medId, med);
                    }
                }
                if (med instanceof Medication) {
                    r.getMedicationReference().setResource(med);
                }
            }
        }
        requests.stream()
                .map(ClinicalMapping::medication)
                .sorted(Comparator.comparing(
                                (health.portal.proto.records.v1.Medication m) -> !"active".equals(m.getStatus()))
                        .thenComparing(
                                health.portal.proto.records.v1.Medication::getAuthoredOn, Comparator.reverseOrder()))
                .forEach(b::addMedications);

        searchAll(Immunization.class, patientId, null).stream()
                .map(ClinicalMapping::immunization)
                .sorted(Comparator.comparing(
                        health.portal.proto.records.v1.Immunization::getOccurrenceDate, Comparator.reverseOrder()))
                .forEach(b::addImmunizations);

        b.addAllVitalSigns(latestVitalSigns(patientId));
        return b.build();
    }

    private List<LabResult> latestVitalSigns(String patientId) {
        List<Observation> vitals = searchAll(
                Observation.class,
                patientId,
                new TokenClientParam("category").exactly().code("vital-signs"),
                null,
                new HashMap<>());
        Map<String, Observation> latest = new LinkedHashMap<>();
        vitals.stream()
                .filter(o -> ObservationMapping.hasCategory(o, "vital-signs")) // a server may ignore the filter
                .sorted(Comparator.comparing(
                        ObservationMapping::effective, Comparator.nullsLast(Comparator.reverseOrder())))
                .forEach(o -> latest.putIfAbsent(codeKey(o.getCode()), o));
        return latest.values().stream().map(ObservationMapping::result).toList();
    }

    private static String codeKey(CodeableConcept code) {
        return code.hasCoding()
                ? code.getCodingFirstRep().getSystem() + "|"
                        + code.getCodingFirstRep().getCode()
                : String.valueOf(code.getText());
    }

    // ---------------------------------------------------------------- lists

    /** Lab reports (DiagnosticReports of category LAB, or any with results), newest first, with their results. */
    public Page<LabReport> labReports(String patientId, int pageSize, String pageToken) {
        Page.effectiveSize(pageSize);
        Page.decodeToken(pageToken);
        requirePatient(patientId);
        Map<String, Resource> included = new HashMap<>();
        List<DiagnosticReport> reports =
                searchAll(DiagnosticReport.class, patientId, DiagnosticReport.INCLUDE_RESULT, included).stream()
                        .filter(r -> isLab(r) || r.hasResult())
                        .sorted(Comparator.comparing(
                                ObservationMapping::reportDate, Comparator.nullsLast(Comparator.reverseOrder())))
                        .toList();
        Page<DiagnosticReport> page = Page.slice(reports, pageSize, pageToken);

        Map<String, Observation> observations = new HashMap<>();
        included.forEach((key, r) -> {
            if (r instanceof Observation o) {
                observations.put(o.getIdElement().getIdPart(), o);
            }
        });
        boolean missing = page.items().stream()
                .flatMap(r -> r.getResult().stream())
                .anyMatch(ref -> ref.getResource() == null
                        && !observations.containsKey(ref.getReferenceElement().getIdPart()));
        if (missing) {
            // the EMR ignored _include: fetch the patient's observations once instead of one read per result
            for (Observation o : searchAll(Observation.class, patientId, null)) {
                observations.putIfAbsent(o.getIdElement().getIdPart(), o);
            }
        }
        return new Page<>(
                page.items().stream()
                        .map(r -> ObservationMapping.report(r, observations))
                        .toList(),
                page.nextPageToken());
    }

    private static boolean isLab(DiagnosticReport r) {
        return r.getCategory().stream()
                .flatMap(c -> c.getCoding().stream())
                .anyMatch(c -> "LAB".equals(c.getCode()) || "laboratory".equals(c.getCode()));
    }

    public Page<Visit> visits(String patientId, int pageSize, String pageToken) {
        return pagedList(
                patientId,
                pageSize,
                pageToken,
                Encounter.class,
                e -> e.getPeriod().getStart(),
                CareMapping::visit);
    }

    public Page<Appointment> appointments(String patientId, int pageSize, String pageToken) {
        return pagedList(
                patientId,
                pageSize,
                pageToken,
                org.hl7.fhir.r4.model.Appointment.class,
                org.hl7.fhir.r4.model.Appointment::getStart,
                CareMapping::appointment);
    }

    public Page<Document> documents(String patientId, int pageSize, String pageToken) {
        return pagedList(
                patientId,
                pageSize,
                pageToken,
                DocumentReference.class,
                d -> d.hasDate() ? d.getDate() : d.getContext().getPeriod().getStart(),
                CareMapping::document);
    }

    private <R extends Resource, T> Page<T> pagedList(
            String patientId,
            int pageSize,
            String pageToken,
            Class<R> type,
            Function<R, Date> date,
            Function<R, T> mapper) {
        Page.effectiveSize(pageSize);
        Page.decodeToken(pageToken);
        requirePatient(patientId);
        List<R> all = searchAll(type, patientId, null).stream()
                .sorted(Comparator.comparing(date, Comparator.nullsLast(Comparator.reverseOrder())))
                .toList();
        Page<R> page = Page.slice(all, pageSize, pageToken);
        return new Page<>(page.items().stream().map(mapper).toList(), page.nextPageToken());
    }

    /**
     * One document with its content, only when it belongs to this patient: a document id of another patient
     * answers empty, exactly like an unknown one.
     */
    public Optional<DocumentContent> document(String patientId, String documentId) {
        FhirIds.require(patientId, "patient_id");
        FhirIds.require(documentId, "document_id");
        DocumentReference doc = guard.read("read DocumentReference", () -> {
            try {
                return client.read()
                        .resource(DocumentReference.class)
                        .withId(documentId)
                        .execute();
            } catch (ResourceNotFoundException | ResourceGoneException e) {
                return null;
            }
        });
        if (doc == null
                || !patientId.equals(doc.getSubject().getReferenceElement().getIdPart())
                || !"Patient".equals(doc.getSubject().getReferenceElement().getResourceType())) {
            return Optional.empty();
        }
        DocumentContent.Builder b = DocumentContent.newBuilder().setDocument(CareMapping.document(doc));
        if (doc.hasContent()) {
            var attachment = doc.getContentFirstRep().getAttachment();
            if (attachment.hasData()) {
                b.setContent(ByteString.copyFrom(attachment.getData()));
            } else if (attachment.hasUrl()) {
                binaryContent(attachment.getUrl()).ifPresent(bytes -> b.setContent(ByteString.copyFrom(bytes)));
            }
        }
        return Optional.of(b.build());
    }

    /** Follows an attachment URL only to a Binary on this EMR: never to a host the document names. */
    private Optional<byte[]> binaryContent(String url) {
        String relative = url.startsWith(settings.baseUrl() + "/")
                ? url.substring(settings.baseUrl().length() + 1)
                : url;
        if (!relative.matches("Binary/[A-Za-z0-9\\-.]{1,64}")) {
            return Optional.empty();
        }
        Binary binary = guard.read("read Binary", () -> {
            try {
                return client.read()
                        .resource(Binary.class)
                        .withId(relative.substring("Binary/".length()))
                        .execute();
            } catch (ResourceNotFoundException | ResourceGoneException e) {
                return null;
            }
        });
        return binary == null || !binary.hasData() ? Optional.empty() : Optional.of(binary.getData());
    }

    // ---------------------------------------------------------------- export

    /** The patient's whole record as one FHIR collection Bundle (ONC 170.315(e)(1)); built per request, not kept. */
    public Bundle exportRecord(String patientId) {
        Patient patient = requirePatient(patientId);
        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.COLLECTION);
        bundle.setTimestamp(new Date());
        bundle.addEntry()
                .setFullUrl(settings.baseUrl() + "/Patient/" + patientId)
                .setResource(patient);
        Set<String> seen = new LinkedHashSet<>();
        seen.add("Patient/" + patientId);
        for (String type : exportTypes()) {
            for (Resource r : searchAllByName(type, patientId)) {
                String key = r.fhirType() + "/" + r.getIdElement().getIdPart();
                if (seen.add(key)) {
                    bundle.addEntry().setFullUrl(settings.baseUrl() + "/" + key).setResource(r);
                }
            }
        }
        bundle.setTotal(bundle.getEntry().size());
        return bundle;
    }

    /** Writes a resource as FHIR JSON to the stream (the caller chunks it). */
    public void writeJson(Resource resource, OutputStream out) throws IOException {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        fhir.newJsonParser().encodeResourceToWriter(resource, writer);
        writer.flush();
    }

    private List<String> exportTypes() {
        List<String> types = exportTypes;
        if (types != null) {
            return types;
        }
        try {
            CapabilityStatement cs = guard.read(
                    "read CapabilityStatement",
                    () -> client.capabilities()
                            .ofType(CapabilityStatement.class)
                            .execute());
            Set<String> supported = new LinkedHashSet<>();
            cs.getRest().forEach(rest -> rest.getResource().forEach(r -> supported.add(r.getType())));
            types = EXPORT_TYPES.stream().filter(supported::contains).toList();
        } catch (EmrUnavailableException e) {
            throw e;
        } catch (EmrException e) {
            types = EXPORT_TYPES; // no usable CapabilityStatement: ask for every type and skip none
        }
        exportTypes = types;
        return types;
    }

    // ---------------------------------------------------------------- writes

    /**
     * Files a message into the record as a FHIR Communication, once per idempotency key: a search on the key's
     * identifier finds an earlier filing, and the create is conditional (If-None-Exist) on the same identifier, so
     * a retry after a lost answer files nothing new. That is also why this write may be retried.
     *
     * @return the Communication's id in the EMR
     */
    public String fileCommunication(FileCommunicationRequest request) {
        String patientId = FhirIds.require(request.getPatientId(), "patient_id");
        requireKey(request.getIdempotencyKey());
        requireParty(request.getSenderReference(), "sender_reference");
        if (!request.getRecipientReference().isEmpty()) {
            requireParty(request.getRecipientReference(), "recipient_reference");
        }
        if (request.getText().isBlank()) {
            throw new IllegalArgumentException("text must not be empty");
        }
        requirePatient(patientId);
        String keyValue = patientId + ":" + request.getIdempotencyKey();

        Communication c = new Communication();
        c.addIdentifier().setSystem(COMMUNICATION_KEY_SYSTEM).setValue(keyValue);
        if (!request.getThreadId().isEmpty()) {
            c.addIdentifier().setSystem(THREAD_SYSTEM).setValue(request.getThreadId());
        }
        c.setStatus(Communication.CommunicationStatus.COMPLETED);
        c.setSubject(new Reference("Patient/" + patientId));
        c.setSender(new Reference(request.getSenderReference()));
        if (!request.getRecipientReference().isEmpty()) {
            c.addRecipient(new Reference(request.getRecipientReference()));
        }
        c.setSent(request.hasSentAt() ? new Date(Timestamps.toMillis(request.getSentAt())) : new Date());
        if (!request.getSubject().isEmpty()) {
            c.setTopic(new CodeableConcept().setText(request.getSubject()));
        }
        c.addPayload().setContent(new StringType(request.getText()));
        return conditionalCreate("Communication", COMMUNICATION_KEY_SYSTEM, keyValue, c);
    }

    private String conditionalCreate(String type, String system, String value, Resource resource) {
        return guard.idempotentWrite("create " + type, () -> {
            Bundle existing = client.search()
                    .forResource(type)
                    .where(new TokenClientParam("identifier").exactly().systemAndIdentifier(system, value))
                    .returnBundle(Bundle.class)
                    .execute();
            for (Bundle.BundleEntryComponent e : existing.getEntry()) {
                if (e.getResource() != null && type.equals(e.getResource().fhirType())) {
                    return e.getResource().getIdElement().getIdPart();
                }
            }
            MethodOutcome outcome = client.create()
                    .resource(resource)
                    .conditionalByUrl(type + "?identifier=" + system + "|" + value)
                    .execute();
            if (outcome.getId() == null || outcome.getId().getIdPart() == null) {
                throw new EmrInvalidDataException("EMR did not say which " + type + " it filed");
            }
            return outcome.getId().getIdPart();
        });
    }

    private static void requireKey(String key) {
        if (key == null || !IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("idempotency_key must be 8-128 characters of [A-Za-z0-9._~:-]");
        }
    }

    private static void requireParty(String reference, String field) {
        if (reference == null || !PARTY_REFERENCE.matcher(reference).matches()) {
            throw new IllegalArgumentException(field + " must be a FHIR reference such as Patient/123");
        }
    }

    // ---------------------------------------------------------------- questionnaires (surveys)

    public Optional<Questionnaire> questionnaire(String id) {
        FhirIds.require(id, "questionnaire id");
        return Optional.ofNullable(guard.read("read Questionnaire", () -> {
            try {
                return client.read().resource(Questionnaire.class).withId(id).execute();
            } catch (ResourceNotFoundException | ResourceGoneException e) {
                return null;
            }
        }));
    }

    /** Active questionnaires the EMR offers. */
    public List<Questionnaire> activeQuestionnaires() {
        List<Questionnaire> out = new ArrayList<>();
        // filtered here rather than with ?status=: not every EMR supports that search parameter
        Bundle page = guard.read(
                "search Questionnaire",
                () -> client.search()
                        .forResource(Questionnaire.class)
                        .count(settings.searchPageSize())
                        .returnBundle(Bundle.class)
                        .execute());
        collectPages(page, Questionnaire.class, out, null, "search Questionnaire");
        out.removeIf(q -> q.getStatus() != org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
        return out;
    }

    public List<QuestionnaireResponse> questionnaireResponses(String patientId) {
        requirePatient(patientId);
        return searchAll(QuestionnaireResponse.class, patientId, null);
    }

    /** Files a completed survey answer for the patient, once per idempotency key. */
    public String fileQuestionnaireResponse(String patientId, String idempotencyKey, QuestionnaireResponse response) {
        FhirIds.require(patientId, "patient_id");
        requireKey(idempotencyKey);
        if (!response.hasQuestionnaire()) {
            throw new IllegalArgumentException("a QuestionnaireResponse must name its Questionnaire");
        }
        requirePatient(patientId);
        String keyValue = patientId + ":" + idempotencyKey;
        QuestionnaireResponse copy = response.copy();
        copy.setId((String) null);
        copy.getIdentifier().setSystem(QUESTIONNAIRE_RESPONSE_KEY_SYSTEM).setValue(keyValue);
        copy.setSubject(new Reference("Patient/" + patientId));
        if (!copy.hasAuthored()) {
            copy.setAuthored(new Date());
        }
        return conditionalCreate("QuestionnaireResponse", QUESTIONNAIRE_RESPONSE_KEY_SYSTEM, keyValue, copy);
    }

    // ---------------------------------------------------------------- searching

    private <T extends Resource> T readOptional(Class<T> type, String id) {
        return guard.read("read " + type.getSimpleName(), () -> {
            try {
                return client.read().resource(type).withId(id).execute();
            } catch (ResourceNotFoundException | ResourceGoneException e) {
                return null;
            }
        });
    }

    private <T extends Resource> List<T> searchAll(Class<T> type, String patientId, Include include) {
        return searchAll(type, patientId, null, include, new HashMap<>());
    }

    private <T extends Resource> List<T> searchAll(
            Class<T> type, String patientId, Include include, Map<String, Resource> included) {
        return searchAll(type, patientId, null, include, included);
    }

    /** Searches the patient's resources of one type and follows the Bundle's next links to the end. */
    private <T extends Resource> List<T> searchAll(
            Class<T> type,
            String patientId,
            ca.uhn.fhir.rest.gclient.ICriterion<?> extra,
            Include include,
            Map<String, Resource> included) {
        String op = "search " + type.getSimpleName();
        Bundle first;
        try {
            first = search(op, type, patientId, extra, include);
        } catch (EmrUnavailableException | EmrInvalidDataException e) {
            throw e;
        } catch (EmrException e) {
            if (include == null) {
                throw e;
            }
            // an EMR that does not support this _include answers 400: search without, the callers resolve the rest
            first = search(op, type, patientId, extra, null);
        }
        List<T> out = new ArrayList<>();
        collectPages(first, type, out, included, op);
        return out;
    }

    private Bundle search(
            String op,
            Class<? extends Resource> type,
            String patientId,
            ca.uhn.fhir.rest.gclient.ICriterion<?> extra,
            Include include) {
        return guard.read(op, () -> {
            var query = client.search().forResource(type).where(new ReferenceClientParam("patient").hasId(patientId));
            if (extra != null) {
                query = query.and(extra);
            }
            if (include != null) {
                query = query.include(include);
            }
            return query.count(settings.searchPageSize())
                    .returnBundle(Bundle.class)
                    .execute();
        });
    }

    private List<Resource> searchAllByName(String type, String patientId) {
        String op = "search " + type;
        Bundle first = guard.read(
                op,
                () -> client.search()
                        .forResource(type)
                        .where(new ReferenceClientParam("patient").hasId(patientId))
                        .count(settings.searchPageSize())
                        .returnBundle(Bundle.class)
                        .execute());
        List<Resource> out = new ArrayList<>();
        Bundle page = first;
        for (int n = 0; page != null && n < MAX_PAGES; n++) {
            for (Bundle.BundleEntryComponent e : page.getEntry()) {
                if (e.getResource() != null && type.equals(e.getResource().fhirType())) {
                    out.add(e.getResource());
                }
            }
            page = nextPage(page, op);
        }
        return out;
    }

    private <T extends Resource> void collectPages(
            Bundle first, Class<T> type, List<T> out, Map<String, Resource> included, String op) {
        Bundle page = first;
        for (int n = 0; page != null && n < MAX_PAGES; n++) {
            for (Bundle.BundleEntryComponent e : page.getEntry()) {
                Resource r = e.getResource();
                if (r == null) {
                    continue;
                }
                boolean isInclude = e.hasSearch() && e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE;
                if (type.isInstance(r) && !isInclude) {
                    out.add(type.cast(r));
                } else if (included != null) {
                    included.put(r.fhirType() + "/" + r.getIdElement().getIdPart(), r);
                }
            }
            page = nextPage(page, op);
        }
    }

    private Bundle nextPage(Bundle page, String op) {
        if (page.getLink(Bundle.LINK_NEXT) == null || page.getEntry().isEmpty()) {
            return null;
        }
        return guard.read(
                op + " (next page)", () -> client.loadPage().next(page).execute());
    }
}
