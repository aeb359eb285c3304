package health.portal.emr.adapter;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import com.google.protobuf.util.Timestamps;
import health.portal.proto.FhirIds;
import health.portal.proto.records.v1.Attachment;
import health.portal.proto.records.v1.FileCommunicationRequest;
import health.portal.proto.records.v1.MessageContent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

import java.util.Date;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Writes into the record: messages as Communications and survey answers as QuestionnaireResponses. */
record RecordFiling(FhirAccess access, ResourceReads reads) {

    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._~:\\-]{8,128}");
    private static final Pattern PARTY_REFERENCE =
            Pattern.compile("(Patient|Practitioner|PractitionerRole|RelatedPerson|Organization)/" + FhirIds.ID);

    /** Categories a message may carry (empty: none). */
    static final Set<String> CATEGORIES =
            Set.of("medical-question", "prescription-renewal", "appointment", "billing", "other");

    /**
     * Files the request's message. The content (subject, text, attachments) comes apart from the request: a sealed
     * request carries it only inside its box, which records-service opens.
     */
    String fileCommunication(FileCommunicationRequest request, MessageContent content) {
        String patientId = FhirIds.require(request.getPatientId(), "patient_id");
        requireKey(request.getIdempotencyKey());
        requireParty(request.getSenderReference(), "sender_reference");
        if (!request.getRecipientReference().isEmpty()) {
            requireParty(request.getRecipientReference(), "recipient_reference");
        }
        if (content.getText().isBlank()) {
            throw new IllegalArgumentException("text must not be empty");
        }
        if (!request.getCategory().isEmpty() && !CATEGORIES.contains(request.getCategory())) {
            throw new IllegalArgumentException("category must be one of " + new TreeSet<>(CATEGORIES));
        }
        if (!request.getInResponseTo().isEmpty()) {
            FhirIds.require(request.getInResponseTo(), "in_response_to");
        }
        reads.requirePatientProfile(patientId);
        String keyValue = patientId + ":" + request.getIdempotencyKey();

        Communication c = new Communication();
        c.addIdentifier().setSystem(EmrClient.COMMUNICATION_KEY_SYSTEM).setValue(keyValue);
        if (!request.getThreadId().isEmpty()) {
            c.addIdentifier().setSystem(EmrClient.THREAD_SYSTEM).setValue(request.getThreadId());
        }
        c.setStatus(Communication.CommunicationStatus.COMPLETED);
        c.setSubject(new Reference("Patient/" + patientId));
        c.setSender(new Reference(request.getSenderReference()));
        if (!request.getRecipientReference().isEmpty()) {
            c.addRecipient(new Reference(request.getRecipientReference()));
        }
        c.setSent(request.hasSentAt() ? new Date(Timestamps.toMillis(request.getSentAt())) : new Date());
        if (!content.getSubject().isEmpty()) {
            c.setTopic(new CodeableConcept().setText(content.getSubject()));
        }
        // stat puts it at the top of the clinic's queue in the EMR as well
        c.setPriority(
                request.getUrgent()
                        ? Communication.CommunicationPriority.STAT
                        : Communication.CommunicationPriority.ROUTINE);
        if (!request.getCategory().isEmpty()) {
            c.addCategory(MessageMapping.category(request.getCategory()));
        }
        if (!request.getInResponseTo().isEmpty()) {
            c.addInResponseTo(new Reference("Communication/" + request.getInResponseTo()));
        }
        c.addPayload().setContent(new StringType(content.getText()));
        for (Attachment a : content.getAttachmentsList()) {
            if (a.getData().isEmpty() || a.getContentType().isEmpty()) {
                throw new IllegalArgumentException("an attachment needs its content type and data");
            }
            c.addPayload().setContent(MessageMapping.attachment(a));
        }
        return conditionalCreate("Communication", EmrClient.COMMUNICATION_KEY_SYSTEM, keyValue, c);
    }

    String fileQuestionnaireResponse(String patientId, String idempotencyKey, QuestionnaireResponse response) {
        FhirIds.require(patientId, "patient_id");
        requireKey(idempotencyKey);
        if (!response.hasQuestionnaire()) {
            throw new IllegalArgumentException("a QuestionnaireResponse must name its Questionnaire");
        }
        reads.requirePatientProfile(patientId);
        String keyValue = patientId + ":" + idempotencyKey;
        QuestionnaireResponse copy = response.copy();
        copy.setId((String) null);
        copy.getIdentifier()
                .setSystem(EmrClient.QUESTIONNAIRE_RESPONSE_KEY_SYSTEM)
                .setValue(keyValue);
        copy.setSubject(new Reference("Patient/" + patientId));
        if (!copy.hasAuthored()) {
            copy.setAuthored(new Date());
        }
        return conditionalCreate("QuestionnaireResponse", EmrClient.QUESTIONNAIRE_RESPONSE_KEY_SYSTEM, keyValue, copy);
    }

    /**
     * Files the resource once per identifier: a search on the identifier finds an earlier filing, and the create is
     * conditional (If-None-Exist) on the same identifier, so a retry after a lost answer files nothing new. That is
     * also why this write may be retried.
     */
    private String conditionalCreate(String type, String system, String value, Resource resource) {
        IGenericClient client = access.client();
        return access.guard().idempotentWrite("create " + type, () -> {
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
}
