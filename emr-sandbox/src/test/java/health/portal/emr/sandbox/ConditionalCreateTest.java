package health.portal.emr.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import health.portal.emr.sandbox.seed.DemoPatients;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

import java.util.Date;
import java.util.UUID;

class ConditionalCreateTest {

    private static final String SYSTEM = "urn:health-portal:message-id";
    private final IGenericClient client = SharedSandbox.client();

    private static Communication message(String patient, String text) {
        Communication c = new Communication();
        c.setStatus(Communication.CommunicationStatus.COMPLETED);
        c.setSubject(new Reference(patient));
        c.setSent(new Date());
        c.addPayload().setContent(new StringType(text));
        return c;
    }

    @Test
    void aRetriedCreateFilesOnce() {
        String messageId = UUID.randomUUID().toString();
        Communication first = message("Patient/" + DemoPatients.ALEX, "Can I get a refill?");
        first.addIdentifier().setSystem(SYSTEM).setValue(messageId);
        MethodOutcome created = client.create()
                .resource(first)
                .conditionalByUrl("Communication?identifier=" + SYSTEM + "|" + messageId)
                .execute();
        assertThat(created.getCreated()).isTrue();

        Communication retry = message("Patient/" + DemoPatients.ALEX, "Can I get a refill?");
        retry.addIdentifier().setSystem(SYSTEM).setValue(messageId);
        MethodOutcome again = client.create()
                .resource(retry)
                .conditionalByUrl("Communication?identifier=" + SYSTEM + "|" + messageId)
                .execute();
        assertThat(again.getCreated()).isNotEqualTo(Boolean.TRUE);
        assertThat(again.getId().getIdPart()).isEqualTo(created.getId().getIdPart());

        Bundle filed = client.search()
                .byUrl("Communication?patient=demo-alex&identifier=" + SYSTEM + "|" + messageId)
                .returnBundle(Bundle.class)
                .execute();
        assertThat(filed.getTotal()).isEqualTo(1);
        Communication stored = client.read()
                .resource(Communication.class)
                .withId(created.getId().getIdPart())
                .execute();
        assertThat(stored.getPayloadFirstRep().getContentStringType().getValue())
                .isEqualTo("Can I get a refill?");
        assertThat(client.search()
                        .byUrl("Communication?subject=Patient/demo-sam&identifier=" + SYSTEM + "|" + messageId)
                        .returnBundle(Bundle.class)
                        .execute()
                        .getTotal())
                .isZero();
    }

    @Test
    void createsWithoutConditionFileEveryTime() {
        MethodOutcome one = client.create()
                .resource(message("Patient/" + DemoPatients.SAM, "hello"))
                .execute();
        MethodOutcome two = client.create()
                .resource(message("Patient/" + DemoPatients.SAM, "hello"))
                .execute();
        assertThat(one.getId().getIdPart()).isNotEqualTo(two.getId().getIdPart());
        assertThat(one.getId().getVersionIdPart()).isEqualTo("1");
    }

    @Test
    void questionnaireResponsesAreFiledOnceToo() {
        String id = UUID.randomUUID().toString();
        QuestionnaireResponse response = new QuestionnaireResponse();
        response.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
        response.setQuestionnaire("Questionnaire/pre-visit-check-in");
        response.setSubject(new Reference("Patient/" + DemoPatients.ALEX));
        response.setIdentifier(
                new org.hl7.fhir.r4.model.Identifier().setSystem(SYSTEM).setValue(id));
        response.addItem().setLinkId("reason").addAnswer().setValue(new StringType("Follow-up"));
        MethodOutcome first = client.create()
                .resource(response)
                .conditionalByUrl("QuestionnaireResponse?identifier=" + SYSTEM + "|" + id)
                .execute();
        MethodOutcome second = client.create()
                .resource(response)
                .conditionalByUrl("QuestionnaireResponse?identifier=" + SYSTEM + "|" + id)
                .execute();
        assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
        assertThat(client.search()
                        .byUrl("QuestionnaireResponse?patient=Patient/demo-alex&identifier=" + SYSTEM + "|" + id)
                        .returnBundle(Bundle.class)
                        .execute()
                        .getTotal())
                .isEqualTo(1);
    }

    @Test
    void badWritesAreRefusedWithAClearError() {
        assertThatThrownBy(() ->
                        client.create().resource(message("Patient/nobody", "x")).execute())
                .isInstanceOf(UnprocessableEntityException.class)
                .hasMessageContaining("not a known Patient");
        assertThatThrownBy(() -> client.create()
                        .resource(message("Patient/" + DemoPatients.ALEX, "x"))
                        .conditionalByUrl("Communication?status=completed")
                        .execute())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("identifier");
    }
}
