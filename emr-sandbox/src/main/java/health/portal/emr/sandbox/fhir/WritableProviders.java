package health.portal.emr.sandbox.fhir;

import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import health.portal.emr.sandbox.store.FhirStore;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The types the portal writes: Communication (messages) and QuestionnaireResponse (forms). Creates honour
 * {@code If-None-Exist: identifier=system|value}, so a retried write files once.
 */
final class WritableProviders {

    private WritableProviders() {}

    static MethodOutcome create(FhirStore store, Resource resource, Reference subject, String conditionalUrl) {
        if (subject == null || !subject.hasReference()) {
            throw new UnprocessableEntityException(resource.fhirType() + ".subject must reference a Patient");
        }
        IdType subjectId = new IdType(subject.getReference());
        if (!"Patient".equals(subjectId.getResourceType()) || !store.patientExists(subjectId.getIdPart())) {
            throw new UnprocessableEntityException(
                    resource.fhirType() + ".subject " + subject.getReference() + " is not a known Patient");
        }
        subject.setReference("Patient/" + subjectId.getIdPart());
        String identifier = conditionalIdentifier(conditionalUrl);
        FhirStore.Created created;
        try {
            created = store.createIfAbsent(resource, identifier);
        } catch (IllegalStateException multiple) {
            throw new PreconditionFailedException(multiple.getMessage());
        }
        Resource stored = created.view().resource(store.fhirContext());
        MethodOutcome outcome = new MethodOutcome(stored.getIdElement());
        outcome.setCreated(created.created());
        outcome.setResource(stored);
        return outcome;
    }

    /** {@code identifier=system|value} (optionally prefixed by {@code Type?}) to {@code system|value}. */
    static String conditionalIdentifier(String conditionalUrl) {
        if (conditionalUrl == null || conditionalUrl.isBlank()) {
            return null;
        }
        String query = conditionalUrl.substring(conditionalUrl.indexOf('?') + 1);
        if (query.contains("&") || !query.startsWith("identifier=")) {
            throw new InvalidRequestException("If-None-Exist supports exactly one search parameter, identifier="
                    + "system|value; got '" + conditionalUrl + "'");
        }
        String identifier = URLDecoder.decode(query.substring("identifier=".length()), StandardCharsets.UTF_8);
        if (!identifier.contains("|") || identifier.endsWith("|")) {
            throw new InvalidRequestException(
                    "If-None-Exist identifier must be system|value; got '" + identifier + "'");
        }
        return identifier;
    }

    static final class Communications extends BaseProvider<Communication> {
        Communications(FhirStore store) {
            super(store, Communication.class);
        }

        @Create
        public MethodOutcome create(
                @ResourceParam Communication communication, @ConditionalUrlParam String conditionalUrl) {
            return WritableProviders.create(store, communication, communication.getSubject(), conditionalUrl);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = Communication.SP_PATIENT) ReferenceParam patient,
                @OptionalParam(name = Communication.SP_SUBJECT) ReferenceParam subject,
                @OptionalParam(name = Communication.SP_IDENTIFIER) TokenAndListParam identifier,
                @OptionalParam(name = Communication.SP_CATEGORY) TokenAndListParam category,
                @OptionalParam(name = Communication.SP_SENT) DateRangeParam sent,
                @Sort SortSpec sort) {
            return result(Matching.sort(
                    filter(
                            Matching.candidates(store, typeName(), identifier, patient, subject),
                            v -> Matching.tokens(v.identifiers(), identifier)
                                    && Matching.tokens(v.categories(), category)
                                    && Matching.date(v, sent)),
                    sort,
                    "sent"));
        }
    }

    static final class QuestionnaireResponses extends BaseProvider<QuestionnaireResponse> {
        QuestionnaireResponses(FhirStore store) {
            super(store, QuestionnaireResponse.class);
        }

        @Create
        public MethodOutcome create(
                @ResourceParam QuestionnaireResponse response, @ConditionalUrlParam String conditionalUrl) {
            return WritableProviders.create(store, response, response.getSubject(), conditionalUrl);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = QuestionnaireResponse.SP_PATIENT) ReferenceParam patient,
                @OptionalParam(name = QuestionnaireResponse.SP_SUBJECT) ReferenceParam subject,
                @OptionalParam(name = QuestionnaireResponse.SP_IDENTIFIER) TokenAndListParam identifier,
                @OptionalParam(name = QuestionnaireResponse.SP_AUTHORED) DateRangeParam authored,
                @Sort SortSpec sort) {
            return result(Matching.sort(
                    filter(
                            Matching.candidates(store, typeName(), identifier, patient, subject),
                            v -> Matching.tokens(v.identifiers(), identifier) && Matching.date(v, authored)),
                    sort,
                    "authored"));
        }
    }
}
