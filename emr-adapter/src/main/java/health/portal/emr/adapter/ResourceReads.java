package health.portal.emr.adapter;

import com.google.protobuf.ByteString;
import health.portal.emr.adapter.mapping.CareMapping;
import health.portal.emr.adapter.mapping.PatientMapping;
import health.portal.proto.FhirIds;
import health.portal.proto.records.v1.DocumentContent;
import health.portal.proto.records.v1.PatientProfile;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Questionnaire;

import java.util.Optional;
import java.util.regex.Pattern;

/** Reads of single resources: the patient, one document with its content, one questionnaire. */
record ResourceReads(FhirAccess access) {

    private static final Pattern BINARY_REFERENCE = Pattern.compile("Binary/" + FhirIds.ID);

    /** The whole Patient resource. */
    Optional<Patient> patient(String patientId) {
        FhirIds.require(patientId, "patient_id");
        return sameRecord(patientId, access.readOrEmpty(Patient.class, patientId));
    }

    /**
     * The patient's profile elements only ({@link PatientMapping#ELEMENTS}): every summary and every record call
     * reads the patient, and the whole resource (identifiers, extensions, the narrative) is most of what parsing it
     * costs while the portal shows none of it.
     */
    Optional<Patient> patientProfileResource(String patientId) {
        FhirIds.require(patientId, "patient_id");
        return sameRecord(patientId, access.readOrEmpty(Patient.class, patientId, PatientMapping.ELEMENTS));
    }

    /** An EMR that answers a read with another patient (a merged or redirected record) answers nothing here. */
    private static Optional<Patient> sameRecord(String patientId, Optional<Patient> read) {
        return read.filter(p -> patientId.equals(p.getIdElement().getIdPart()));
    }

    /** The whole Patient resource, or {@link UnknownPatientException} when the EMR has no such patient. */
    Patient requirePatient(String patientId) {
        return patient(patientId).orElseThrow(UnknownPatientException::new);
    }

    /**
     * The patient's profile elements, or {@link UnknownPatientException} when the EMR has no such patient: what a
     * summary shows, and all that a call which only needs the patient to exist reads.
     */
    Patient requirePatientProfile(String patientId) {
        return patientProfileResource(patientId).orElseThrow(UnknownPatientException::new);
    }

    Optional<PatientProfile> patientProfile(String patientId) {
        return patientProfileResource(patientId).map(PatientMapping::profile);
    }

    boolean verifyPatient(String patientId, String birthDate) {
        if (!FhirIds.isValid(patientId) || birthDate == null || birthDate.isBlank()) {
            return false;
        }
        return patientProfileResource(patientId)
                .map(p -> p.hasBirthDateElement()
                        && birthDate.equals(p.getBirthDateElement().getValueAsString()))
                .orElse(false);
    }

    Optional<DocumentContent> document(String patientId, String documentId) {
        FhirIds.require(patientId, "patient_id");
        FhirIds.require(documentId, "document_id");
        DocumentReference doc =
                access.readOrEmpty(DocumentReference.class, documentId).orElse(null);
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
        String base = access.settings().baseUrl();
        String relative = url.startsWith(base + "/") ? url.substring(base.length() + 1) : url;
        if (!BINARY_REFERENCE.matcher(relative).matches()) {
            return Optional.empty();
        }
        return access.readOrEmpty(Binary.class, relative.substring("Binary/".length()))
                .filter(Binary::hasData)
                .map(Binary::getData);
    }

    Optional<Questionnaire> questionnaire(String id) {
        FhirIds.require(id, "questionnaire id");
        return access.readOrEmpty(Questionnaire.class, id);
    }
}
