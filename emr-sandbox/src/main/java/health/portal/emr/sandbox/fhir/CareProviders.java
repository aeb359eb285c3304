package health.portal.emr.sandbox.fhir;

import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import health.portal.emr.sandbox.store.FhirStore;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.PractitionerRole;

/**
 * Who looks after a patient: CareTeam (by patient or subject, as US Core searches it) and PractitionerRole (by
 * practitioner or organization), where the portal learns out-of-office windows and covering practitioners.
 */
final class CareProviders {

    private CareProviders() {}

    static final class CareTeams extends BaseProvider<CareTeam> {
        CareTeams(FhirStore store) {
            super(store, CareTeam.class);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = CareTeam.SP_PATIENT) ReferenceParam patient,
                @OptionalParam(name = CareTeam.SP_SUBJECT) ReferenceParam subject,
                @OptionalParam(name = CareTeam.SP_PARTICIPANT) ReferenceParam participant,
                @OptionalParam(name = CareTeam.SP_CATEGORY) TokenAndListParam category) {
            return result(filter(
                    Matching.candidates(store, typeName(), patient, subject),
                    v -> Matching.reference(v.actors(), participant) && Matching.tokens(v.categories(), category)));
        }
    }

    static final class PractitionerRoles extends BaseProvider<PractitionerRole> {
        PractitionerRoles(FhirStore store) {
            super(store, PractitionerRole.class);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = PractitionerRole.SP_PRACTITIONER) ReferenceParam practitioner,
                @OptionalParam(name = PractitionerRole.SP_ORGANIZATION) ReferenceParam organization,
                @OptionalParam(name = PractitionerRole.SP_IDENTIFIER) TokenAndListParam identifier) {
            ReferenceParam practitionerRef = typed(practitioner, "Practitioner");
            ReferenceParam organizationRef = typed(organization, "Organization");
            return result(filter(
                    store.all(typeName()),
                    v -> Matching.reference(v.actors(), practitionerRef)
                            && Matching.reference(v.actors(), organizationRef)
                            && Matching.tokens(v.identifiers(), identifier)));
        }

        /** {@code practitioner=pcp-lee} means Practitioner/pcp-lee, never an Organization that shares the id. */
        private static ReferenceParam typed(ReferenceParam param, String type) {
            return param == null || param.getResourceType() != null
                    ? param
                    : new ReferenceParam(type + "/" + param.getIdPart());
        }
    }
}
