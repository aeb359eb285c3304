package health.portal.benchmarks.records;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** The direct row follows what HAPI's server writes: next links and the Medications a page refers to. */
class SummaryReadsTest {

    @Test
    void readsTheNextLinkAndTheReferencedMedicationsOfAPageAsHapiWritesIt() {
        Bundle page = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        page.addLink().setRelation("self").setUrl("http://127.0.0.1:1/fhir/MedicationRequest?patient=p");
        page.addLink().setRelation("next").setUrl("http://127.0.0.1:1/fhir?_getpages=abc&_getpagesoffset=100");
        page.addEntry().setResource(new MedicationRequest().setMedication(new Reference("Medication/m-1")));
        page.addEntry().setResource(new MedicationRequest().setMedication(new CodeableConcept().setText("aspirin")));
        page.addEntry().setResource(new MedicationRequest().setMedication(new Reference("Medication/m-2-c3")));
        String json = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(page);

        assertThat(SummaryReads.nextPage(json)).hasValue("http://127.0.0.1:1/fhir?_getpages=abc&_getpagesoffset=100");
        assertThat(SummaryReads.medicationIds(json)).containsExactly("m-1", "m-2-c3");
        assertThat(SummaryReads.medicationSearches(java.util.stream.IntStream.range(0, 51)
                        .mapToObj(i -> "m" + i)
                        .toList()))
                .hasSize(2)
                .last()
                .isEqualTo("/Medication?_id=m50&_count=1");
        assertThat(SummaryReads.nextPage(
                        FhirContext.forR4Cached().newJsonParser().encodeResourceToString(new Bundle())))
                .isEmpty();
    }
}
