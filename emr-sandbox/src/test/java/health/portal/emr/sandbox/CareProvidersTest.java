package health.portal.emr.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import health.portal.emr.sandbox.seed.DemoPatients;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

import java.util.Date;
import java.util.List;

/** The demo care team, the practitioners' roles with their out-of-office windows, the practice and the lesson. */
class CareProvidersTest {

    private final IGenericClient client = SharedSandbox.client();

    private <T> List<T> search(String url, Class<T> type) {
        Bundle bundle = client.search().byUrl(url).returnBundle(Bundle.class).execute();
        return bundle.getEntry().stream().map(e -> type.cast(e.getResource())).toList();
    }

    @Test
    void alexHasACareTeamSamHasNone() {
        List<CareTeam> teams = search("CareTeam?patient=" + DemoPatients.ALEX, CareTeam.class);
        assertThat(teams).singleElement().satisfies(team -> {
            assertThat(team.getIdElement().getIdPart()).isEqualTo(DemoPatients.CARE_TEAM);
            assertThat(team.getParticipant())
                    .extracting(p -> p.getMember().getReference())
                    .startsWith("Practitioner/pcp-morgan", "Practitioner/pcp-lee");
        });
        assertThat(search("CareTeam?subject=Patient/" + DemoPatients.ALEX, CareTeam.class))
                .hasSize(1);
        assertThat(search("CareTeam?patient=" + DemoPatients.SAM, CareTeam.class))
                .isEmpty();
        assertThat(search("CareTeam?participant=Practitioner/pcp-lee", CareTeam.class))
                .extracting(t -> t.getIdElement().getIdPart())
                .contains(DemoPatients.CARE_TEAM);
    }

    @Test
    void theProviderIsAwayNowAndNamesWhoCovers() {
        List<PractitionerRole> roles =
                search("PractitionerRole?practitioner=" + DemoPatients.PRIMARY_CARE_PROVIDER, PractitionerRole.class);
        PractitionerRole role = roles.stream()
                .filter(r -> r.getIdElement().getIdPart().equals(DemoPatients.AWAY_ROLE))
                .findFirst()
                .orElseThrow();
        Period away = role.getNotAvailableFirstRep().getDuring();
        Date now = new Date();
        assertThat(away.getStart()).isBefore(now);
        assertThat(away.getEnd()).isAfter(new Date(now.getTime() + 29L * 24 * 3600 * 1000));
        assertThat(((Reference) role.getExtensionByUrl(
                                        "http://portal.health/fhir/StructureDefinition/covering-practitioner")
                                .getValue())
                        .getReference())
                .isEqualTo("Practitioner/" + DemoPatients.COVERING_PROVIDER);
        assertThat(role.getTelecomFirstRep().getValue()).isNotEmpty();
        assertThat(role.getAvailableTimeFirstRep().getDaysOfWeek()).hasSize(5);

        List<PractitionerRole> lee = search(
                "PractitionerRole?practitioner=Practitioner/" + DemoPatients.COVERING_PROVIDER, PractitionerRole.class);
        assertThat(lee).singleElement().satisfies(r -> {
            assertThat(r.getNotAvailableFirstRep().getDuring().getEnd()).isBefore(now);
            assertThat(r.hasExtension("http://portal.health/fhir/StructureDefinition/covering-practitioner"))
                    .isFalse();
        });
        assertThat(search("PractitionerRole?organization=" + DemoPatients.ORGANIZATION, PractitionerRole.class))
                .hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void thePracticeHasItsPhoneAndTimeZoneAndTheLessonIsMarked() {
        Organization practice = client.read()
                .resource(Organization.class)
                .withId(DemoPatients.ORGANIZATION)
                .execute();
        assertThat(practice.getTelecomFirstRep().getValue()).isEqualTo("+1-555-0100");
        assertThat(practice.getExtensionByUrl("http://hl7.org/fhir/StructureDefinition/timezone")
                        .getValueAsPrimitive()
                        .getValueAsString())
                .isEqualTo("America/New_York");

        Questionnaire lesson = client.read()
                .resource(Questionnaire.class)
                .withId(DemoPatients.LESSON)
                .execute();
        assertThat(lesson.getCodeFirstRep().getSystem()).isEqualTo(DemoPatients.QUESTIONNAIRE_KIND_SYSTEM);
        assertThat(lesson.getCodeFirstRep().getCode()).isEqualTo("lesson");
        assertThat(lesson.getItem())
                .allSatisfy(i -> assertThat(i.getType()).isEqualTo(Questionnaire.QuestionnaireItemType.DISPLAY));
        assertThat(new StringType(lesson.getTitle()).getValue()).isNotEmpty();
    }
}
