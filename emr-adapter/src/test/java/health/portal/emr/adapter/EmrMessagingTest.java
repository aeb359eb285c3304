package health.portal.emr.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.Timestamps;
import health.portal.emr.sandbox.EmrSandbox;
import health.portal.proto.records.v1.Attachment;
import health.portal.proto.records.v1.CareProvider;
import health.portal.proto.records.v1.CareTeam;
import health.portal.proto.records.v1.FileCommunicationRequest;
import health.portal.proto.records.v1.FileQuestionnaireResponseRequest;
import health.portal.proto.records.v1.FiledMessage;
import health.portal.proto.records.v1.MessageContent;
import health.portal.proto.records.v1.QuestionnaireAnswer;
import health.portal.proto.records.v1.QuestionnaireForm;
import health.portal.proto.records.v1.QuestionnaireItem;
import health.portal.proto.records.v1.QuestionnaireKind;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What secure messaging needs of the EMR, against the real sandbox: care team, messages, surveys and lessons. */
class EmrMessagingTest {

    private static EmrSandbox sandbox;
    private static EmrClient emr;
    private static IGenericClient raw;

    @BeforeAll
    static void start() {
        sandbox = EmrSandbox.start(EmrSandbox.Options.defaults());
        emr = new EmrClient(EmrSettings.defaults(sandbox.fhirBaseUrl()).withSearchPageSize(2));
        FhirContext ctx = FhirContext.forR4();
        ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        raw = ctx.newRestfulGenericClient(sandbox.fhirBaseUrl());
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @AfterEach
    void resetFaults() {
        sandbox.faults().reset();
    }

    @Test
    void theCareTeamNamesTheAwayProviderAndWhoCovers() {
        CareTeam team = emr.careTeam("demo-alex");
        assertThat(team.getProvidersList())
                .extracting(CareProvider::getReference)
                .containsExactly("Practitioner/pcp-morgan", "Practitioner/pcp-lee");
        CareProvider morgan = team.getProviders(0);
        assertThat(morgan.getDisplayName()).isEqualTo("Dr. Jordan Morgan");
        assertThat(morgan.getRole()).isEqualTo("Primary care physician");
        assertThat(morgan.getCoveringReference()).isEqualTo("Practitioner/pcp-lee");
        long now = Instant.now().toEpochMilli();
        assertThat(morgan.getUnavailableList())
                .anySatisfy(p -> assertThat(
                                Timestamps.toMillis(p.getStart()) < now && Timestamps.toMillis(p.getEnd()) > now)
                        .isTrue());
        CareProvider lee = team.getProviders(1);
        assertThat(lee.getCoveringReference()).isEmpty(); // the practice pool covers for her
        assertThat(lee.getUnavailableList())
                .isNotEmpty()
                .allSatisfy(p -> assertThat(Timestamps.toMillis(p.getEnd())).isLessThan(now));
        assertThat(team.getPractice().getReference()).isEqualTo("Organization/portal-health");
        assertThat(team.getPractice().getName()).isEqualTo("Portal Health Clinic");
        assertThat(team.getPractice().getPhone()).isEqualTo("+1-555-0100");
        assertThat(team.getPractice().getTimeZone()).isEqualTo("America/New_York");
    }

    @Test
    void withoutACareTeamTheGeneralPractitionerIsTheTeam() {
        CareTeam team = emr.careTeam("demo-sam");
        assertThat(team.getProvidersList()).singleElement().satisfies(p -> {
            assertThat(p.getReference()).isEqualTo("Practitioner/pcp-lee");
            assertThat(p.getDisplayName()).isEqualTo("Casey Lee, NP");
            assertThat(p.getRole()).isEqualTo("Family Nurse Practitioner"); // from the PractitionerRole
        });
        assertThat(team.getPractice().getPhone()).isEqualTo("+1-555-0100");
        assertThatThrownBy(() -> emr.careTeam("no-such-patient")).isInstanceOf(UnknownPatientException.class);
    }

    @Test
    void everySyntheaPatientHasSomeoneToWriteTo() {
        Bundle patients = raw.search()
                .forResource(Patient.class)
                .count(100)
                .returnBundle(Bundle.class)
                .execute();
        List<String> ids = patients.getEntry().stream()
                .map(e -> e.getResource().getIdElement().getIdPart())
                .filter(id -> !id.startsWith("demo-"))
                .toList();
        assertThat(ids).isNotEmpty();
        for (String id : ids) {
            CareTeam team = emr.careTeam(id);
            assertThat(team.getProvidersList()).as(id).isNotEmpty().allSatisfy(p -> {
                assertThat(p.getReference()).startsWith("Practitioner/");
                assertThat(p.getDisplayName()).isNotEmpty();
            });
        }
    }

    @Test
    void filedMessagesAreReadBackByThreadWithOrWithoutTheirAttachments() {
        String thread = "thread-" + UUID.randomUUID();
        String other = "thread-" + UUID.randomUUID();
        byte[] pdf = "%PDF-1.4 a small lab printout".getBytes(StandardCharsets.UTF_8);
        String first = emr.fileCommunication(
                request("demo-alex", thread, Instant.parse("2026-03-01T10:00:00Z"))
                        .setCategory("prescription-renewal")
                        .setUrgent(true)
                        .build(),
                MessageContent.newBuilder()
                        .setSubject("Inhaler")
                        .setText("I can't breathe well at night <b>since Monday</b>")
                        .addAttachments(Attachment.newBuilder()
                                .setContentType("application/pdf")
                                .setTitle("printout.pdf")
                                .setData(ByteString.copyFrom(pdf)))
                        .build());
        String reply = emr.fileCommunication(request("demo-alex", thread, Instant.parse("2026-03-02T10:00:00Z"))
                .setSenderReference("Practitioner/pcp-lee")
                .setRecipientReference("Patient/demo-alex")
                .setInResponseTo(first)
                .setText("Renewed; pick it up tomorrow.")
                .build());
        emr.fileCommunication(request("demo-alex", other, Instant.parse("2026-03-03T10:00:00Z"))
                .setText("Another thread")
                .build());

        List<FiledMessage> withData = emr.communications("demo-alex", List.of(thread), true);
        assertThat(withData).extracting(FiledMessage::getCommunicationId).containsExactly(first, reply);
        FiledMessage m = withData.get(0);
        assertThat(m.getThreadId()).isEqualTo(thread);
        assertThat(m.getSubject()).isEqualTo("Inhaler");
        assertThat(m.getText()).isEqualTo("I can't breathe well at night <b>since Monday</b>");
        assertThat(m.getCategory()).isEqualTo("prescription-renewal");
        assertThat(m.getUrgent()).isTrue();
        assertThat(m.getSenderReference()).isEqualTo("Patient/demo-alex");
        assertThat(m.getRecipientReference()).isEqualTo("Practitioner/pcp-morgan");
        assertThat(m.getIdempotencyKey()).startsWith("key-");
        assertThat(m.getAttachmentsList()).singleElement().satisfies(a -> {
            assertThat(a.getContentType()).isEqualTo("application/pdf");
            assertThat(a.getTitle()).isEqualTo("printout.pdf");
            assertThat(a.getSize()).isEqualTo(pdf.length);
            assertThat(a.getData().toByteArray()).isEqualTo(pdf);
        });
        assertThat(withData.get(1).getUrgent()).isFalse();
        assertThat(withData.get(1).getSenderReference()).isEqualTo("Practitioner/pcp-lee");

        List<FiledMessage> withoutData = emr.communications("demo-alex", List.of(thread), false);
        assertThat(withoutData.get(0).getAttachments(0).getData()).isEmpty();
        assertThat(withoutData.get(0).getAttachments(0).getSize()).isEqualTo(pdf.length);

        assertThat(emr.communications("demo-alex", List.of(thread, other), false))
                .extracting(FiledMessage::getThreadId)
                .containsOnly(thread, other)
                .hasSize(3);

        Communication filed =
                raw.read().resource(Communication.class).withId(reply).execute();
        assertThat(filed.getInResponseToFirstRep().getReference()).isEqualTo("Communication/" + first);
        assertThat(raw.read()
                        .resource(Communication.class)
                        .withId(first)
                        .execute()
                        .getPriority())
                .isEqualTo(Communication.CommunicationPriority.STAT);
    }

    @Test
    void anotherPatientsThreadGivesNothingEvenWhenTheEmrIgnoresThePatient() {
        String samsThread = "thread-" + UUID.randomUUID();
        emr.fileCommunication(request("demo-sam", samsThread, Instant.now())
                .setSenderReference("Patient/demo-sam")
                .setText("Sam's own message")
                .build());
        assertThat(emr.communications("demo-sam", List.of(samsThread), false)).hasSize(1);
        assertThat(emr.communications("demo-alex", List.of(samsThread), true)).isEmpty();
        sandbox.faults().ignorePatientFilter(true);
        assertThat(emr.communications("demo-alex", List.of(samsThread), true)).isEmpty();
    }

    @Test
    void badMessageRequestsAreRefused() {
        assertThatThrownBy(() -> emr.communications("demo-alex", List.of(), false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emr.communications("demo-alex", List.of("bad thread id"), false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emr.fileCommunication(request("demo-alex", "t-1", Instant.now())
                        .setText("x")
                        .setCategory("gossip")
                        .build()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSurveyAndTheLessonAsTheirForms() {
        QuestionnaireForm survey =
                emr.questionnaire("demo-alex", "pre-visit-check-in").orElseThrow();
        assertThat(survey.getKind()).isEqualTo(QuestionnaireKind.QUESTIONNAIRE_KIND_SURVEY);
        assertThat(survey.getTitle()).isEqualTo("Pre-visit check-in");
        assertThat(survey.getItemsList())
                .extracting(QuestionnaireItem::getLinkId, QuestionnaireItem::getType, QuestionnaireItem::getRequired)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("reason", "string", true),
                        org.assertj.core.groups.Tuple.tuple("med-changes", "boolean", false),
                        org.assertj.core.groups.Tuple.tuple("pain", "integer", false),
                        org.assertj.core.groups.Tuple.tuple("contact-preference", "choice", false));
        assertThat(survey.getItems(3).getOptionsList()).containsExactly("Phone", "E-mail", "Portal message");

        QuestionnaireForm lesson =
                emr.questionnaire("demo-alex", "lesson-blood-pressure").orElseThrow();
        assertThat(lesson.getKind()).isEqualTo(QuestionnaireKind.QUESTIONNAIRE_KIND_LESSON);
        assertThat(lesson.getDescription()).isNotEmpty();
        assertThat(lesson.getItemsList())
                .isNotEmpty()
                .allSatisfy(i -> assertThat(i.getType()).isEqualTo("display"));
        assertThat(emr.questionnaire("demo-alex", "no-such-questionnaire")).isEmpty();
    }

    @Test
    void answersAreFiledTypedOnceAndBadAnswersAreRefused() {
        String key = "assignment-" + UUID.randomUUID();
        FileQuestionnaireResponseRequest request = FileQuestionnaireResponseRequest.newBuilder()
                .setPatientId("demo-alex")
                .setIdempotencyKey(key)
                .setQuestionnaireId("pre-visit-check-in")
                .addAnswers(answer("reason", "Follow-up on blood pressure"))
                .addAnswers(answer("med-changes", "false"))
                .addAnswers(answer("pain", "3"))
                .addAnswers(answer("contact-preference", "E-mail"))
                .build();
        String id = emr.fileQuestionnaireResponse(request);
        assertThat(emr.fileQuestionnaireResponse(request)).isEqualTo(id);

        QuestionnaireResponse filed =
                raw.read().resource(QuestionnaireResponse.class).withId(id).execute();
        assertThat(filed.getSubject().getReference()).isEqualTo("Patient/demo-alex");
        assertThat(filed.getQuestionnaire())
                .isEqualTo("http://portal-health.example/fhir/Questionnaire/pre-visit-check-in");
        assertThat(filed.getItem().get(1).getAnswerFirstRep().getValue())
                .isInstanceOfSatisfying(
                        BooleanType.class, b -> assertThat(b.getValue()).isFalse());
        assertThat(filed.getItem().get(2).getAnswerFirstRep().getValue())
                .isInstanceOfSatisfying(
                        IntegerType.class, i -> assertThat(i.getValue()).isEqualTo(3));
        assertThat(filed.getItem().get(3).getAnswerFirstRep().getValue())
                .isInstanceOfSatisfying(
                        Coding.class, c -> assertThat(c.getCode()).isEqualTo("email"));

        for (List<QuestionnaireAnswer> bad : List.of(
                List.of(answer("reason", "x"), answer("no-such-item", "1")),
                List.of(answer("reason", "x"), answer("med-changes", "maybe")),
                List.of(answer("reason", "x"), answer("pain", "ten")),
                List.of(answer("reason", "x"), answer("contact-preference", "Carrier pigeon")),
                List.of(answer("reason", "x"), answer("reason", "y")),
                List.of(answer("pain", "3")))) {
            assertThatThrownBy(() -> emr.fileQuestionnaireResponse(request.toBuilder()
                            .setIdempotencyKey("bad-" + UUID.randomUUID())
                            .clearAnswers()
                            .addAllAnswers(bad)
                            .build()))
                    .as(bad.toString())
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> emr.fileQuestionnaireResponse(request.toBuilder()
                        .setIdempotencyKey("bad-" + UUID.randomUUID())
                        .setQuestionnaireId("lesson-blood-pressure")
                        .clearAnswers()
                        .addAnswers(answer("numbers", "read"))
                        .build()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static QuestionnaireAnswer answer(String linkId, String value) {
        return QuestionnaireAnswer.newBuilder()
                .setLinkId(linkId)
                .setValue(value)
                .build();
    }

    private static FileCommunicationRequest.Builder request(String patientId, String thread, Instant sentAt) {
        return FileCommunicationRequest.newBuilder()
                .setPatientId(patientId)
                .setIdempotencyKey("key-" + UUID.randomUUID())
                .setSenderReference("Patient/" + patientId)
                .setRecipientReference("Practitioner/pcp-morgan")
                .setThreadId(thread)
                .setSentAt(Timestamps.fromMillis(sentAt.toEpochMilli()));
    }
}
