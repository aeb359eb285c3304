package health.portal.emr.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Larger sets clone generated patients under new ids; checked here on the packaged 10-patient base. */
class CloningTest {

    static EmrSandbox sandbox;
    static IGenericClient client;

    @BeforeAll
    static void start() {
        sandbox = EmrSandbox.start(EmrSandbox.Options.defaults()
                .syntheaPatients(35)
                .syntheaBasePatients(10)
                .includeDemoPatients(false));
        client = SharedSandbox.fhir().newRestfulGenericClient(sandbox.fhirBaseUrl());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void clonesArePatientsOfTheirOwnWithNewIds() {
        List<IBaseResource> patients = SharedSandbox.allPages(
                client,
                client.search()
                        .forResource(Patient.class)
                        .count(8)
                        .returnBundle(Bundle.class)
                        .execute());
        assertThat(patients).hasSize(35);
        assertThat(sandbox.patientCount()).isEqualTo(35);
        Set<String> ids =
                patients.stream().map(p -> p.getIdElement().getIdPart()).collect(Collectors.toSet());
        assertThat(ids).hasSize(35);

        String base = patients.getFirst().getIdElement().getIdPart();
        String clone = base + "-c2";
        assertThat(ids).contains(clone);
        Patient cloned = client.read().resource(Patient.class).withId(clone).execute();
        assertThat(cloned.getIdPart()).isEqualTo(clone);
        assertThat(cloned.getIdentifier())
                .anySatisfy(i -> assertThat(i.getValue()).isEqualTo(clone));

        List<IBaseResource> baseObservations = SharedSandbox.allPages(
                client,
                client.search()
                        .byUrl("Observation?patient=" + base + "&_count=200")
                        .returnBundle(Bundle.class)
                        .execute());
        List<IBaseResource> cloneObservations = SharedSandbox.allPages(
                client,
                client.search()
                        .byUrl("Observation?patient=Patient/" + clone + "&_count=200")
                        .returnBundle(Bundle.class)
                        .execute());
        assertThat(cloneObservations).hasSameSizeAs(baseObservations).isNotEmpty();
        assertThat(cloneObservations).allSatisfy(o -> {
            assertThat(o.getIdElement().getIdPart()).endsWith("-c2");
            assertThat(((Observation) o).getSubject().getReference()).isEqualTo("Patient/" + clone);
            String encounter = ((Observation) o).getEncounter().getReference();
            assertThat(encounter).endsWith("-c2");
            Encounter linked =
                    client.read().resource(Encounter.class).withUrl(encounter).execute();
            assertThat(linked.getSubject().getReference()).isEqualTo("Patient/" + clone);
        });

        // a clone has its own guarantor account, whose charges are its own and point at its own visits
        assertThat(SharedSandbox.allPages(
                        client,
                        client.search()
                                .byUrl("Account?patient=" + clone)
                                .returnBundle(Bundle.class)
                                .execute()))
                .extracting(a -> a.getIdElement().getIdPart())
                .containsExactly("acct-" + clone);
        List<IBaseResource> cloneCharges = SharedSandbox.allPages(
                client,
                client.search()
                        .byUrl("ChargeItem?account=acct-" + clone + "&_count=200")
                        .returnBundle(Bundle.class)
                        .execute());
        assertThat(cloneCharges).isNotEmpty().allSatisfy(c -> {
            assertThat(((ChargeItem) c).getSubject().getReference()).isEqualTo("Patient/" + clone);
            assertThat(((ChargeItem) c).getContext().getReference()).endsWith("-c2");
        });

        int everything = client.operation()
                .onInstance("Patient/" + clone)
                .named("$everything")
                .withNoParameters(org.hl7.fhir.r4.model.Parameters.class)
                .returnResourceType(Bundle.class)
                .execute()
                .getTotal();
        int baseEverything = client.operation()
                .onInstance("Patient/" + base)
                .named("$everything")
                .withNoParameters(org.hl7.fhir.r4.model.Parameters.class)
                .returnResourceType(Bundle.class)
                .execute()
                .getTotal();
        assertThat(everything).isEqualTo(baseEverything);
        assertThat(client.search()
                        .byUrl("Patient?_id=" + base + "-c99")
                        .returnBundle(Bundle.class)
                        .execute()
                        .getTotal())
                .isZero();
    }
}
