package health.portal.emr.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.portal.emr.sandbox.seed.DemoPatients;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

class DemoPatientsTest {

    private final IGenericClient client = SharedSandbox.client();

    private Bundle search(String url) {
        return client.search().byUrl(url).returnBundle(Bundle.class).execute();
    }

    @Test
    void alexHasTheDocumentedRecord() {
        Patient alex =
                client.read().resource(Patient.class).withId(DemoPatients.ALEX).execute();
        assertThat(alex.getNameFirstRep().getNameAsSingleString()).isEqualTo("Alex Rivera");
        assertThat(alex.getBirthDateElement().getValueAsString()).isEqualTo("1984-03-15");
        assertThat(alex.getGender()).isEqualTo(Enumerations.AdministrativeGender.FEMALE);
        assertThat(alex.getGeneralPractitioner())
                .extracting(r -> r.getReference())
                .containsExactly("Practitioner/pcp-morgan", "Practitioner/pcp-lee");
        assertThat(alex.getManagingOrganization().getReference()).isEqualTo("Organization/portal-health");

        Map<String, Integer> expected = Map.of(
                "AllergyIntolerance",
                2,
                "Condition",
                3,
                "MedicationRequest",
                3,
                "Immunization",
                2,
                "DiagnosticReport",
                2,
                "Encounter",
                4,
                "Appointment",
                3,
                "DocumentReference",
                1);
        expected.forEach((type, count) -> assertThat(
                        search(type + "?patient=Patient/demo-alex").getTotal())
                .as(type)
                .isEqualTo(count));
        assertThat(search("Observation?patient=demo-alex&category=laboratory").getTotal())
                .isEqualTo(7);
        assertThat(search("Observation?patient=demo-alex&category=vital-signs").getTotal())
                .isEqualTo(5);
        // the lab review of 2026-02-14 and last month's visit (written relative to today, see DemoPatients)
        assertThat(search("Encounter?patient=demo-alex&date=ge2026-01-01").getTotal())
                .isEqualTo(2);
    }

    @Test
    void labResultsCarryReferenceRangesAndOneHighAndOneLowFlag() {
        List<Observation> labs = search("Observation?patient=demo-alex&category=http://terminology.hl7.org/CodeSystem/"
                        + "observation-category|laboratory")
                .getEntry()
                .stream()
                .map(e -> (Observation) e.getResource())
                .toList();
        assertThat(labs).allSatisfy(o -> {
            assertThat(o.getReferenceRange()).isNotEmpty();
            assertThat(o.getInterpretationFirstRep().getCodingFirstRep().getCode())
                    .isIn("H", "L", "N");
        });
        Map<String, List<String>> byFlag = labs.stream()
                .collect(Collectors.groupingBy(
                        o -> o.getInterpretationFirstRep().getCodingFirstRep().getCode(),
                        Collectors.mapping(o -> o.getIdPart(), Collectors.toList())));
        assertThat(byFlag.get("H")).containsExactly("alex-obs-ldl");
        assertThat(byFlag.get("L")).containsExactly("alex-obs-hemoglobin");
        assertThat(byFlag.get("N")).hasSize(5);

        DiagnosticReport lipids = client.read()
                .resource(DiagnosticReport.class)
                .withId("alex-report-lipid-panel")
                .execute();
        assertThat(lipids.getResult()).hasSize(4);
        assertThat(search("DiagnosticReport?patient=demo-alex&category=LAB&date=2026-02-14")
                        .getTotal())
                .isEqualTo(2);
    }

    @Test
    void appointmentsAreInTheFutureWithBothProviders() {
        List<Appointment> appointments =
                search("Appointment?patient=demo-alex&date=ge" + java.time.LocalDate.now()).getEntry().stream()
                        .map(e -> (Appointment) e.getResource())
                        .toList();
        assertThat(appointments)
                .hasSize(3)
                .allSatisfy(a -> assertThat(a.getStart()).isAfter(new Date()));
        assertThat(search("Appointment?actor=Practitioner/pcp-lee").getEntry())
                .extracting(e -> e.getResource().getIdPart())
                .containsExactlyInAnyOrder("alex-appt-lab-recheck", "sam-appt-asthma-review");
        Practitioner lee = client.read()
                .resource(Practitioner.class)
                .withId(DemoPatients.COVERING_PROVIDER)
                .execute();
        assertThat(lee.getNameFirstRep().getFamily()).isEqualTo("Lee");
        assertThat(client.read()
                        .resource(Practitioner.class)
                        .withId(DemoPatients.PRIMARY_CARE_PROVIDER)
                        .execute()
                        .getNameFirstRep()
                        .getFamily())
                .isEqualTo("Morgan");
    }

    @Test
    void documentHasInlineText() {
        DocumentReference doc = (DocumentReference)
                search("DocumentReference?patient=demo-alex").getEntryFirstRep().getResource();
        String text = new String(doc.getContentFirstRep().getAttachment().getData(), StandardCharsets.UTF_8);
        assertThat(text).contains("Visit summary").contains("LDL");
    }

    @Test
    void patientsAreFoundByIdentifierNameBirthdateAndId() {
        assertThat(search("Patient?identifier=http://portal-health.example/fhir/sid/mrn|MRN-100002")
                        .getEntry())
                .extracting(e -> e.getResource().getIdPart())
                .containsExactly(DemoPatients.SAM);
        assertThat(search("Patient?name=rivera").getEntry())
                .extracting(e -> e.getResource().getIdPart())
                .containsExactly(DemoPatients.ALEX);
        assertThat(search("Patient?birthdate=1979-11-02").getEntry())
                .extracting(e -> e.getResource().getIdPart())
                .contains(DemoPatients.SAM)
                .doesNotContain(DemoPatients.ALEX);
        assertThat(search("Patient?_id=demo-alex").getTotal()).isEqualTo(1);
        assertThat(search("Patient?_id=nobody").getTotal()).isZero();
    }

    @Test
    void onePatientsSearchesNeverReturnTheOthersData() {
        for (String type : List.of(
                "AllergyIntolerance", "Condition", "MedicationRequest", "Observation", "Encounter", "Appointment")) {
            assertThat(search(type + "?patient=demo-sam&_count=100").getEntry())
                    .as(type)
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e.getResource().getIdPart()).startsWith("sam-"));
            assertThat(search(type + "?patient=demo-alex&_count=100").getEntry())
                    .as(type)
                    .allSatisfy(e -> assertThat(e.getResource().getIdPart()).startsWith("alex-"));
        }
        assertThat(search("Observation?patient=demo-sam&subject=Patient/demo-alex")
                        .getTotal())
                .isZero();
        assertThat(search("Observation?patient=nobody").getTotal()).isZero();
        assertThatThrownBy(() ->
                        client.read().resource(Patient.class).withId("nobody").execute())
                .isInstanceOf(ResourceNotFoundException.class);
    }
}
