package health.portal.emr.sandbox.fhir;

import ca.uhn.fhir.model.valueset.BundleTypeEnum;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.RequiredParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.portal.emr.sandbox.store.FhirStore;
import health.portal.emr.sandbox.store.ResourceView;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Questionnaire;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Read and search for the clinical and directory resource types (Patient and the writable types live apart). */
final class ClinicalProviders {

    private ClinicalProviders() {}

    static List<BaseProvider<?>> all(FhirStore store) {
        return List.of(
                new AllergyIntolerances(store),
                new Conditions(store),
                new MedicationRequests(store),
                new Medications(store),
                new Immunizations(store),
                new Observations(store),
                new DiagnosticReports(store),
                new Encounters(store),
                new Appointments(store),
                new DocumentReferences(store),
                new Practitioners(store),
                new Organizations(store),
                new Locations(store),
                new Questionnaires(store));
    }

    static final class AllergyIntolerances extends BaseProvider<AllergyIntolerance> {
        AllergyIntolerances(FhirStore store) {
            super(store, AllergyIntolerance.class);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = AllergyIntolerance.SP_PATIENT) ReferenceParam patient,
                @OptionalParam(name = "code") TokenAndListParam code,
                @OptionalParam(name = "date") DateRangeParam date,
                @Sort SortSpec sort) {
            return result(Matching.sort(
                    filter(
                            Matching.candidates(store, typeName(), patient),
                            v -> Matching.tokens(v.codes(), code) && Matching.date(v, date)),
                    sort,
                    "date"));
        }
    }

    static final class Conditions extends BaseProvider<Condition> {
        Conditions(FhirStore store) {
            super(store, Condition.class);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = Condition.SP_PATIENT) ReferenceParam patient,
                @OptionalParam(name = Condition.SP_SUBJECT) ReferenceParam subject,
                @OptionalParam(name = Condition.SP_CATEGORY) TokenAndListParam category,
                @OptionalParam(name = Condition.SP_CODE) TokenAndListParam code,
                @Sort SortSpec sort) {
            return result(Matching.sort(
                    filter(
                            Matching.candidates(store, typeName(), patient, subject),
                            v -> Matching.tokens(v.categories(), category) && Matching.tokens(v.codes(), code)),
                    sort,
                    "onset-date",
                    "date"));
        }
    }

    static final class MedicationRequests extends BaseProvider<MedicationRequest> {
        MedicationRequests(FhirStore store) {
            super(store, MedicationRequest.class);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = MedicationRequest.SP_PATIENT) ReferenceParam patient,
                @OptionalParam(name = MedicationRequest.SP_SUBJECT) ReferenceParam subject,
                @OptionalParam(name = MedicationRequest.SP_CODE) TokenAndListParam code,
                @OptionalParam(name = MedicationRequest.SP_AUTHOREDON) DateRangeParam authoredOn,
                @Sort SortSpec sort) {
            return result(Matching.sort(
                    filter(
                            Matching.candidates(store, typeName(), patient, subject),
                            v -> Matching.tokens(v.codes(), code) && Matching.date(v, authoredOn)),
                    sort,
                    "authoredon"));
        }
    }

    static final class Medications extends BaseProvider<Medication> {
        Medications(FhirStore store) {
            super(store, Medication.class);
        }

        /**
         * Medications by id, a list in one request ({@code _id=a,b,c}): how a client that does not use _include
         * fetches the Medications a page of MedicationRequests refers to. Unknown ids are left out.
         */
        @Search
        public IBundleProvider byId(@RequiredParam(name = IAnyResource.SP_RES_ID) TokenOrListParam ids) {
            return result(ids.getValuesAsQueryTokens().stream()
                    .map(TokenParam::getValue)
                    .distinct()
                    .map(id -> store.read(typeName(), id))
                    .flatMap(Optional::stream)
                    .toList());
        }
    }

    static final class Immunizations extends BaseProvider<Immunization> {
        Immunizations(FhirStore store) {
            super(store, Immunization.class);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = Immunization.SP_PATIENT) ReferenceParam patient,
                @OptionalParam(name = Immunization.SP_DATE) DateRangeParam date,
                @Sort SortSpec sort) {
            return result(Matching.sort(
                    filter(Matching.candidates(store, typeName(), patient), v -> Matching.date(v, date)),
                    sort,
                    "date"));
        }
    }

    static final class Observations extends BaseProvider<Observation> {
        Observations(FhirStore store) {
            super(store, Observation.class);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = Observation.SP_PATIENT) ReferenceParam patient,
                @OptionalParam(name = Observation.SP_SUBJECT) ReferenceParam subject,
                @OptionalParam(name = Observation.SP_CATEGORY) TokenAndListParam category,
                @OptionalParam(name = Observation.SP_CODE) TokenAndListParam code,
                @OptionalParam(name = Observation.SP_DATE) DateRangeParam date,
                @OptionalParam(name = Observation.SP_RES_ID) TokenAndListParam id,
                @Sort SortSpec sort) {
            if (id == null) {
                return byCategoryCodeAndDate(patient, subject, category, code, date, sort);
            }
            // a lab page's results by id (the portal asks when _include is not there)
            return result(Matching.sort(
                    filter(
                            Matching.candidates(store, typeName(), patient, subject),
                            v -> Matching.tokens(List.of("|" + v.id()), id)
                                    && Matching.tokens(v.categories(), category)
                                    && Matching.tokens(v.codes(), code)
                                    && Matching.date(v, date)),
                    sort,
                    "date"));
        }

        /**
         * FHIR R4's Observation $lastn: the {@code max} (default 1) latest observations of each code among the
         * patient's observations of the category (required), newest first. Observations with the same codings are one
         * code; one without a coded code is its own.
         */
        @Operation(name = "$lastn", idempotent = true, bundleType = BundleTypeEnum.SEARCHSET)
        public IBundleProvider lastN(
                @OperationParam(name = Observation.SP_PATIENT) ReferenceParam patient,
                @OperationParam(name = Observation.SP_SUBJECT) ReferenceParam subject,
                @OperationParam(name = Observation.SP_CATEGORY) TokenAndListParam category,
                @OperationParam(name = Observation.SP_CODE) TokenAndListParam code,
                @OperationParam(name = "max") IntegerType max) {
            if (category == null) {
                throw new InvalidRequestException("$lastn needs a category");
            }
            int perCode = max == null || max.getValue() == null ? 1 : max.getValue();
            if (perCode < 1) {
                throw new InvalidRequestException("max must be at least 1");
            }
            List<ResourceView> newestFirst = Matching.sort(
                    filter(
                            Matching.candidates(store, typeName(), patient, subject),
                            v -> Matching.tokens(v.categories(), category) && Matching.tokens(v.codes(), code)),
                    new SortSpec("date", SortOrderEnum.DESC),
                    "date");
            Map<String, Integer> taken = new HashMap<>();
            List<ResourceView> latest = new ArrayList<>();
            for (ResourceView v : newestFirst) {
                String key = v.codes().isEmpty() ? "uncoded " + v.id() : String.join(",", v.codes());
                if (taken.merge(key, 1, Integer::sum) <= perCode) {
                    latest.add(v);
                }
            }
            return result(latest);
        }
    }

    static final class DiagnosticReports extends BaseProvider<DiagnosticReport> {
        DiagnosticReports(FhirStore store) {
            super(store, DiagnosticReport.class);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = DiagnosticReport.SP_PATIENT) ReferenceParam patient,
                @OptionalParam(name = DiagnosticReport.SP_SUBJECT) ReferenceParam subject,
                @OptionalParam(name = DiagnosticReport.SP_CATEGORY) TokenAndListParam category,
                @OptionalParam(name = DiagnosticReport.SP_CODE) TokenAndListParam code,
                @OptionalParam(name = DiagnosticReport.SP_DATE) DateRangeParam date,
                @OptionalParam(name = Matching.LAST_UPDATED) DateRangeParam lastUpdated,
                @Sort SortSpec sort) {
            return result(Matching.lastUpdated(
                    store.fhirContext(),
                    filter(
                            Matching.candidates(store, typeName(), patient, subject),
                            v -> Matching.tokens(v.categories(), category)
                                    && Matching.tokens(v.codes(), code)
                                    && Matching.date(v, date)),
                    lastUpdated,
                    sort,
                    "date"));
        }
    }

    static final class Encounters extends BaseProvider<Encounter> {
        Encounters(FhirStore store) {
            super(store, Encounter.class);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = Encounter.SP_PATIENT) ReferenceParam patient,
                @OptionalParam(name = Encounter.SP_SUBJECT) ReferenceParam subject,
                @OptionalParam(name = Encounter.SP_DATE) DateRangeParam date,
                @Sort SortSpec sort) {
            return result(Matching.sort(
                    filter(Matching.candidates(store, typeName(), patient, subject), v -> Matching.date(v, date)),
                    sort,
                    "date"));
        }
    }

    static final class Appointments extends BaseProvider<Appointment> {
        Appointments(FhirStore store) {
            super(store, Appointment.class);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = Appointment.SP_PATIENT) ReferenceParam patient,
                @OptionalParam(name = Appointment.SP_ACTOR) ReferenceParam actor,
                @OptionalParam(name = Appointment.SP_PRACTITIONER) ReferenceParam practitioner,
                @OptionalParam(name = Appointment.SP_DATE) DateRangeParam date,
                @OptionalParam(name = Matching.LAST_UPDATED) DateRangeParam lastUpdated,
                @Sort SortSpec sort) {
            if (practitioner != null && practitioner.getResourceType() == null) {
                practitioner = new ReferenceParam("Practitioner/" + practitioner.getIdPart());
            }
            ReferenceParam practitionerActor = practitioner;
            return result(Matching.lastUpdated(
                    store.fhirContext(),
                    filter(
                            Matching.candidates(store, typeName(), patient),
                            v -> Matching.reference(v.actors(), actor)
                                    && Matching.reference(v.actors(), practitionerActor)
                                    && Matching.date(v, date)),
                    lastUpdated,
                    sort,
                    "date"));
        }
    }

    static final class DocumentReferences extends BaseProvider<DocumentReference> {
        DocumentReferences(FhirStore store) {
            super(store, DocumentReference.class);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = DocumentReference.SP_PATIENT) ReferenceParam patient,
                @OptionalParam(name = DocumentReference.SP_SUBJECT) ReferenceParam subject,
                @OptionalParam(name = DocumentReference.SP_CATEGORY) TokenAndListParam category,
                @OptionalParam(name = DocumentReference.SP_TYPE) TokenAndListParam type,
                @OptionalParam(name = DocumentReference.SP_DATE) DateRangeParam date,
                @OptionalParam(name = Matching.LAST_UPDATED) DateRangeParam lastUpdated,
                @Sort SortSpec sort) {
            return result(Matching.lastUpdated(
                    store.fhirContext(),
                    filter(
                            Matching.candidates(store, typeName(), patient, subject),
                            v -> Matching.tokens(v.categories(), category)
                                    && Matching.tokens(v.codes(), type)
                                    && Matching.date(v, date)),
                    lastUpdated,
                    sort,
                    "date"));
        }
    }

    static final class Practitioners extends BaseProvider<Practitioner> {
        Practitioners(FhirStore store) {
            super(store, Practitioner.class);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = Practitioner.SP_IDENTIFIER) TokenAndListParam identifier,
                @OptionalParam(name = Practitioner.SP_NAME) StringParam name) {
            return result(filter(
                    store.all(typeName()),
                    v -> Matching.tokens(v.identifiers(), identifier) && Matching.string(v.names(), name)));
        }
    }

    static final class Organizations extends BaseProvider<Organization> {
        Organizations(FhirStore store) {
            super(store, Organization.class);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = Organization.SP_IDENTIFIER) TokenAndListParam identifier,
                @OptionalParam(name = Organization.SP_NAME) StringParam name) {
            return result(filter(
                    store.all(typeName()),
                    v -> Matching.tokens(v.identifiers(), identifier) && Matching.string(v.names(), name)));
        }
    }

    static final class Locations extends BaseProvider<Location> {
        Locations(FhirStore store) {
            super(store, Location.class);
        }

        @Search
        public IBundleProvider search(@OptionalParam(name = Location.SP_IDENTIFIER) TokenAndListParam identifier) {
            return result(filter(store.all(typeName()), v -> Matching.tokens(v.identifiers(), identifier)));
        }
    }

    static final class Questionnaires extends BaseProvider<Questionnaire> {
        Questionnaires(FhirStore store) {
            super(store, Questionnaire.class);
        }

        @Search
        public IBundleProvider search(@OptionalParam(name = Questionnaire.SP_IDENTIFIER) TokenAndListParam identifier) {
            return result(filter(store.all(typeName()), v -> Matching.tokens(v.identifiers(), identifier)));
        }
    }
}
