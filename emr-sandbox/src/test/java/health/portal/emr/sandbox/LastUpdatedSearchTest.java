package health.portal.emr.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import health.portal.emr.sandbox.seed.DemoPatients;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** {@code _lastUpdated} across all patients, sorted by it: how an EMR without Subscriptions is polled for news. */
class LastUpdatedSearchTest {

    private final IGenericClient client = SharedSandbox.client();

    @Test
    void searchesWithoutAPatientFindOnlyWhatChangedSinceInTheOrderItChanged() {
        SharedSandbox.get(); // the seed is loaded before the cut
        Instant cut = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3600);
        for (String type : List.of("DiagnosticReport", "DocumentReference", "Appointment")) {
            Resource later = resource(type, cut.plusSeconds(20));
            Resource earlier = resource(type, cut.plusSeconds(10));
            SharedSandbox.get().record(later);
            SharedSandbox.get().record(earlier);

            Bundle found = client.search()
                    .byUrl(type + "?_lastUpdated=ge" + cut + "&_sort=_lastUpdated")
                    .returnBundle(Bundle.class)
                    .execute();

            assertThat(found.getEntry())
                    .extracting(e -> e.getResource().getIdElement().getIdPart())
                    .as(type)
                    .containsExactly(
                            earlier.getIdElement().getIdPart(),
                            later.getIdElement().getIdPart());

            Bundle newestFirst = client.search()
                    .byUrl(type + "?_lastUpdated=gt" + cut.plusSeconds(15) + "&_sort=-_lastUpdated")
                    .returnBundle(Bundle.class)
                    .execute();
            assertThat(newestFirst.getEntry())
                    .extracting(e -> e.getResource().getIdElement().getIdPart())
                    .containsExactly(later.getIdElement().getIdPart());
        }
    }

    private static Resource resource(String type, Instant lastUpdated) {
        Reference patient = new Reference("Patient/" + DemoPatients.SAM);
        Resource resource = switch (type) {
            case "DiagnosticReport" ->
                new DiagnosticReport()
                        .setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL)
                        .setSubject(patient);
            case "DocumentReference" ->
                new DocumentReference()
                        .setStatus(Enumerations.DocumentReferenceStatus.CURRENT)
                        .setSubject(patient);
            default -> {
                Appointment appointment = new Appointment().setStatus(Appointment.AppointmentStatus.BOOKED);
                appointment.addParticipant().setActor(patient);
                yield appointment;
            }
        };
        resource.setId("lu-" + UUID.randomUUID());
        resource.getMeta().setLastUpdated(Date.from(lastUpdated));
        return resource;
    }
}
