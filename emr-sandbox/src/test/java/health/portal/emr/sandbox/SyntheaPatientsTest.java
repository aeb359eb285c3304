package health.portal.emr.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.ReferenceClientParam;
import health.portal.emr.sandbox.seed.DemoPatients;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

class SyntheaPatientsTest {

    static IGenericClient client;
    static List<Patient> synthea;

    @BeforeAll
    static void start() {
        client = SharedSandbox.client();
        Bundle patients = client.search()
                .forResource(Patient.class)
                .count(100)
                .returnBundle(Bundle.class)
                .execute();
        synthea = SharedSandbox.allPages(client, patients).stream()
                .map(Patient.class::cast)
                .filter(p -> !p.getIdPart().startsWith("demo-"))
                .toList();
    }

    @Test
    void tenGeneratedPatientsAreLoadedNextToTheDemoPatients() {
        assertThat(synthea).hasSize(10);
        assertThat(SharedSandbox.get().patientCount()).isEqualTo(12);
        assertThat(synthea).allSatisfy(p -> {
            assertThat(p.getName()).isNotEmpty();
            assertThat(p.getBirthDate()).isNotNull();
        });
    }

    @Test
    void generatedRecordsAreSearchableByPatientInBothReferenceForms() {
        Patient patient = synthea.getFirst();
        Bundle byReference = client.search()
                .forResource(Observation.class)
                .where(new ReferenceClientParam("patient").hasId("Patient/" + patient.getIdPart()))
                .count(500)
                .returnBundle(Bundle.class)
                .execute();
        Bundle byBareId = client.search()
                .byUrl("Observation?patient=" + patient.getIdPart() + "&_count=500")
                .returnBundle(Bundle.class)
                .execute();
        Bundle bySubject = client.search()
                .byUrl("Observation?subject=Patient/" + patient.getIdPart() + "&_count=500")
                .returnBundle(Bundle.class)
                .execute();
        assertThat(byReference.getTotal()).isPositive();
        assertThat(byBareId.getTotal()).isEqualTo(byReference.getTotal());
        assertThat(bySubject.getTotal()).isEqualTo(byReference.getTotal());
        assertThat(SharedSandbox.allPages(client, byReference))
                .allSatisfy(r -> assertThat(((Observation) r).getSubject().getReference())
                        .isEqualTo("Patient/" + patient.getIdPart()));

        int conditions = 0;
        for (Patient p : synthea) {
            conditions += client.search()
                    .byUrl("Condition?patient=" + p.getIdPart())
                    .returnBundle(Bundle.class)
                    .execute()
                    .getTotal();
        }
        assertThat(conditions).as("Synthea patients have problems on record").isPositive();
    }

    @Test
    void urnUuidAndConditionalReferencesAreResolvedToStoredResources() {
        Patient patient = synthea.getFirst();
        Bundle encounters = client.search()
                .byUrl("Encounter?patient=" + patient.getIdPart() + "&_count=5")
                .returnBundle(Bundle.class)
                .execute();
        Encounter encounter = (Encounter) encounters.getEntryFirstRep().getResource();
        assertThat(encounter.getSubject().getReference()).isEqualTo("Patient/" + patient.getIdPart());
        String practitioner = encounter.getParticipantFirstRep().getIndividual().getReference();
        assertThat(practitioner).startsWith("Practitioner/");
        assertThat(client.read()
                        .resource(Practitioner.class)
                        .withUrl(practitioner)
                        .execute()
                        .getName())
                .isNotEmpty();
        String organization = encounter.getServiceProvider().getReference();
        assertThat(client.read()
                        .resource(Organization.class)
                        .withUrl(organization)
                        .execute()
                        .getName())
                .isNotBlank();

        Bundle everything = client.operation()
                .onInstance("Patient/" + patient.getIdPart())
                .named("$everything")
                .withNoParameters(org.hl7.fhir.r4.model.Parameters.class)
                .returnResourceType(Bundle.class)
                .execute();
        String json = SharedSandbox.fhir().newJsonParser().encodeResourceToString(everything);
        assertThat(json).doesNotContain("urn:uuid:").doesNotContain("?identifier=");
    }

    @Test
    void searchByCodeAndDateNarrowsResults() {
        Patient patient = synthea.getFirst();
        List<IBaseResource> all = SharedSandbox.allPages(
                client,
                client.search()
                        .byUrl("Observation?patient=" + patient.getIdPart() + "&_count=200")
                        .returnBundle(Bundle.class)
                        .execute());
        Observation sample = (Observation) all.getFirst();
        String code = sample.getCode().getCodingFirstRep().getCode();
        List<IBaseResource> sameCode = SharedSandbox.allPages(
                client,
                client.search()
                        .byUrl("Observation?patient=" + patient.getIdPart() + "&code=http://loinc.org|" + code
                                + "&_count=200")
                        .returnBundle(Bundle.class)
                        .execute());
        assertThat(sameCode)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(((Observation) r).getCode().getCoding())
                        .anySatisfy(c -> assertThat(c.getCode()).isEqualTo(code)));
        assertThat(sameCode.size()).isLessThan(all.size());

        Bundle newestFirst = client.search()
                .byUrl("Observation?patient=" + patient.getIdPart() + "&_sort=-date&_count=50")
                .returnBundle(Bundle.class)
                .execute();
        List<Long> dates = newestFirst.getEntry().stream()
                .map(e -> ((Observation) e.getResource())
                        .getEffectiveDateTimeType()
                        .getValue()
                        .getTime())
                .toList();
        assertThat(dates).isSortedAccordingTo(java.util.Comparator.reverseOrder());

        String day = new java.text.SimpleDateFormat("yyyy-MM-dd")
                .format(((Observation) newestFirst.getEntryFirstRep().getResource())
                        .getEffectiveDateTimeType()
                        .getValue());
        Bundle thatDay = client.search()
                .byUrl("Observation?patient=" + patient.getIdPart() + "&date=ge" + day + "&_count=500")
                .returnBundle(Bundle.class)
                .execute();
        assertThat(thatDay.getTotal()).isPositive().isLessThan(all.size());
    }

    @Test
    void conditionsOfOnePatientNeverBelongToAnother() {
        Set<String> subjects = synthea.stream()
                .limit(3)
                .flatMap(p -> SharedSandbox.allPages(
                                client,
                                client.search()
                                        .byUrl("Condition?patient=" + p.getIdPart())
                                        .returnBundle(Bundle.class)
                                        .execute())
                        .stream()
                        .map(r -> ((Condition) r).getSubject().getReference() + "=" + p.getIdPart()))
                .collect(Collectors.toSet());
        assertThat(subjects).allSatisfy(s -> {
            String[] parts = s.split("=");
            assertThat(parts[0]).isEqualTo("Patient/" + parts[1]);
        });
        assertThat(client.search()
                        .byUrl("Condition?patient=" + DemoPatients.SAM)
                        .returnBundle(Bundle.class)
                        .execute()
                        .getTotal())
                .isEqualTo(1);
    }
}
