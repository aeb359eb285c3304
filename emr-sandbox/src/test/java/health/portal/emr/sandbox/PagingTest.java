package health.portal.emr.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

class PagingTest {

    private final IGenericClient client = SharedSandbox.client();

    @Test
    void everyObservationComesExactlyOnceAcrossPages() {
        Bundle all = client.search()
                .forResource(Observation.class)
                .count(7)
                .returnBundle(Bundle.class)
                .execute();
        int total = all.getTotal();
        assertThat(total).as("several pages").isGreaterThan(100);
        assertThat(all.getEntry()).hasSize(7);
        assertThat(all.getLink(Bundle.LINK_NEXT).getUrl()).contains("_getpages");

        List<IBaseResource> walked = SharedSandbox.allPages(
                client,
                client.search()
                        .forResource(Observation.class)
                        .count(137)
                        .returnBundle(Bundle.class)
                        .execute());
        Set<String> ids = new HashSet<>();
        walked.forEach(r -> assertThat(ids.add(r.getIdElement().getIdPart()))
                .as("seen once: %s", r.getIdElement())
                .isTrue());
        assertThat(ids).hasSize(total);
    }

    @Test
    void pagesOfOnePatientsSortedSearchKeepTheOrder() {
        Patient patient = (Patient)
                client.search().byUrl("Patient?_count=50").returnBundle(Bundle.class).execute().getEntry().stream()
                        .map(Bundle.BundleEntryComponent::getResource)
                        .filter(r -> !r.getIdPart().startsWith("demo-"))
                        .findFirst()
                        .orElseThrow();
        List<IBaseResource> sorted = SharedSandbox.allPages(
                client,
                client.search()
                        .byUrl("Observation?patient=Patient/" + patient.getIdPart() + "&_sort=-date&_count=10")
                        .returnBundle(Bundle.class)
                        .execute());
        int total = client.search()
                .byUrl("Observation?patient=" + patient.getIdPart() + "&_count=1")
                .returnBundle(Bundle.class)
                .execute()
                .getTotal();
        assertThat(sorted).hasSize(total);
        assertThat(sorted.stream()
                        .map(r -> r.getIdElement().getIdPart())
                        .distinct()
                        .count())
                .isEqualTo(total);
        List<Long> dates = sorted.stream()
                .map(r ->
                        ((Observation) r).getEffectiveDateTimeType().getValue().getTime())
                .toList();
        assertThat(dates).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    @Test
    void everythingIsPagedAndComplete() {
        Patient patient = (Patient)
                client.search().byUrl("Patient?_count=50").returnBundle(Bundle.class).execute().getEntry().stream()
                        .map(Bundle.BundleEntryComponent::getResource)
                        .filter(r -> !r.getIdPart().startsWith("demo-"))
                        .findFirst()
                        .orElseThrow();
        Parameters count = new Parameters();
        count.addParameter().setName("_count").setValue(new UnsignedIntType(25));
        Bundle first = client.operation()
                .onInstance("Patient/" + patient.getIdPart())
                .named("$everything")
                .withParameters(count)
                .useHttpGet()
                .returnResourceType(Bundle.class)
                .execute();
        assertThat(first.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
        assertThat(first.getEntry()).hasSize(25);
        List<IBaseResource> everything = SharedSandbox.allPages(client, first);
        assertThat(everything).hasSize(first.getTotal());
        assertThat(everything.getFirst().getIdElement().getIdPart()).isEqualTo(patient.getIdPart());
        assertThat(everything.stream()
                        .map(r -> r.fhirType() + "/" + r.getIdElement().getIdPart())
                        .distinct()
                        .count())
                .isEqualTo(first.getTotal());
        int observations = client.search()
                .byUrl("Observation?patient=" + patient.getIdPart() + "&_count=1")
                .returnBundle(Bundle.class)
                .execute()
                .getTotal();
        assertThat(everything.stream()
                        .filter(r -> r.fhirType().equals("Observation"))
                        .count())
                .isEqualTo(observations);
    }
}
