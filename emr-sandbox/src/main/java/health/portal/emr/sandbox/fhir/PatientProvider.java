package health.portal.emr.sandbox.fhir;

import ca.uhn.fhir.model.valueset.BundleTypeEnum;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.portal.emr.sandbox.store.FhirStore;
import health.portal.emr.sandbox.store.ResourceView;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

import java.util.ArrayList;
import java.util.List;

/** Patient read and search, and {@code Patient/{id}/$everything}. */
final class PatientProvider extends BaseProvider<Patient> {

    PatientProvider(FhirStore store) {
        super(store, Patient.class);
    }

    @Search
    public IBundleProvider search(
            @OptionalParam(name = "_id") TokenAndListParam id,
            @OptionalParam(name = Patient.SP_IDENTIFIER) TokenAndListParam identifier,
            @OptionalParam(name = Patient.SP_BIRTHDATE) DateRangeParam birthdate,
            @OptionalParam(name = Patient.SP_NAME) StringParam name,
            @OptionalParam(name = Patient.SP_FAMILY) StringParam family,
            @OptionalParam(name = Patient.SP_GIVEN) StringParam given) {
        List<ResourceView> candidates = id == null ? store.all("Patient") : byIds(id);
        return result(filter(
                candidates,
                v -> matchesId(v, id)
                        && Matching.tokens(v.identifiers(), identifier)
                        && Matching.date(v, birthdate)
                        && Matching.string(v.names(), name)
                        && Matching.string(v.names(), family)
                        && Matching.string(v.names(), given)));
    }

    private List<ResourceView> byIds(TokenAndListParam ids) {
        List<ResourceView> views = new ArrayList<>();
        for (TokenParam token : ids.getValuesAsQueryTokens().getFirst().getValuesAsQueryTokens()) {
            store.read("Patient", token.getValue()).ifPresent(views::add);
        }
        return views;
    }

    private static boolean matchesId(ResourceView view, TokenAndListParam ids) {
        if (ids == null) {
            return true;
        }
        for (TokenOrListParam or : ids.getValuesAsQueryTokens()) {
            if (or.getValuesAsQueryTokens().stream().noneMatch(t -> view.id().equals(t.getValue()))) {
                return false;
            }
        }
        return true;
    }

    /** The patient's compartment: the Patient, then every resource of its record, paged like a search. */
    @Operation(name = "$everything", idempotent = true, bundleType = BundleTypeEnum.SEARCHSET)
    public IBundleProvider everything(
            @IdParam IdType patientId,
            @OperationParam(name = Constants.PARAM_COUNT, typeName = "unsignedInt") IPrimitiveType<Integer> count) {
        ResourceView patient = store.read("Patient", patientId.getIdPart())
                .orElseThrow(() -> new ResourceNotFoundException(new IdType("Patient", patientId.getIdPart())));
        List<ResourceView> compartment = new ArrayList<>();
        compartment.add(patient);
        for (String type : FhirStore.types()) {
            if (!type.equals("Patient")) {
                compartment.addAll(store.forPatient(type, patient.id()));
            }
        }
        return result(compartment);
    }
}
