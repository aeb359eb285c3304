package health.portal.emr.adapter;

import com.google.protobuf.util.Timestamps;
import health.portal.emr.adapter.mapping.QuestionnaireMapping;
import health.portal.proto.records.v1.FileQuestionnaireResponseRequest;
import health.portal.proto.records.v1.QuestionnaireAnswer;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The patient's answers as a QuestionnaireResponse, each typed by its item in the Questionnaire. A wrong answer is
 * an IllegalArgumentException naming the item (its linkId), never the value: the value is health information.
 */
final class QuestionnaireAnswers {

    static final int MAX_ANSWER_CHARS = 10_000;

    private QuestionnaireAnswers() {}

    static QuestionnaireResponse response(Questionnaire q, FileQuestionnaireResponseRequest request) {
        Map<String, QuestionnaireItemComponent> items = new LinkedHashMap<>();
        QuestionnaireMapping.items(q).forEach(i -> items.put(i.getLinkId(), i));
        QuestionnaireResponse r = new QuestionnaireResponse();
        r.setQuestionnaire(
                q.hasUrl() ? q.getUrl() : "Questionnaire/" + q.getIdElement().getIdPart());
        r.setStatus(QuestionnaireResponse.QuestionnaireResponseStatus.COMPLETED);
        r.setAuthored(request.hasAuthoredAt() ? new Date(Timestamps.toMillis(request.getAuthoredAt())) : new Date());
        Set<String> answered = new HashSet<>();
        for (QuestionnaireAnswer answer : request.getAnswersList()) {
            QuestionnaireItemComponent item = items.get(answer.getLinkId());
            if (item == null) {
                throw new IllegalArgumentException("no item '" + safe(answer.getLinkId()) + "' in this questionnaire");
            }
            if (!answered.add(answer.getLinkId())) {
                throw new IllegalArgumentException("item '" + answer.getLinkId() + "' is answered twice");
            }
            if (answer.getValue().isBlank()) {
                throw new IllegalArgumentException("the answer to '" + answer.getLinkId() + "' is empty");
            }
            if (answer.getValue().length() > MAX_ANSWER_CHARS) {
                throw new IllegalArgumentException("the answer to '" + answer.getLinkId() + "' is longer than "
                        + MAX_ANSWER_CHARS + " characters");
            }
            r.addItem()
                    .setLinkId(item.getLinkId())
                    .setText(item.getText())
                    .addAnswer()
                    .setValue(value(item, answer.getValue().strip()));
        }
        for (QuestionnaireItemComponent item : items.values()) {
            if (item.getRequired() && !answered.contains(item.getLinkId())) {
                throw new IllegalArgumentException("item '" + item.getLinkId() + "' must be answered");
            }
        }
        return r;
    }

    private static Type value(QuestionnaireItemComponent item, String value) {
        String linkId = item.getLinkId();
        if (item.getType() == null) {
            throw new IllegalArgumentException("item '" + linkId + "' has no type in the EMR");
        }
        return switch (item.getType()) {
            case STRING, TEXT, OPENCHOICE -> new StringType(value);
            case BOOLEAN ->
                switch (value) {
                    case "true" -> new BooleanType(true);
                    case "false" -> new BooleanType(false);
                    default -> throw wrong(linkId, "true or false");
                };
            case INTEGER -> {
                try {
                    yield new IntegerType(Integer.parseInt(value));
                } catch (NumberFormatException e) {
                    throw wrong(linkId, "a whole number");
                }
            }
            case DECIMAL -> {
                try {
                    yield new DecimalType(new BigDecimal(value));
                } catch (NumberFormatException e) {
                    throw wrong(linkId, "a number");
                }
            }
            case DATE -> {
                try {
                    yield new DateType(LocalDate.parse(value).toString());
                } catch (DateTimeParseException e) {
                    throw wrong(linkId, "a date (yyyy-MM-dd)");
                }
            }
            case CHOICE ->
                item.getAnswerOption().stream()
                        .map(Questionnaire.QuestionnaireItemAnswerOptionComponent::getValue)
                        .filter(v -> value.equals(QuestionnaireMapping.option(v)))
                        .findFirst()
                        .map(Type::copy)
                        .orElseThrow(() -> wrong(linkId, "one of its options"));
            case DISPLAY -> throw new IllegalArgumentException("item '" + linkId + "' is text to read, not a question");
            default ->
                throw new IllegalArgumentException(
                        "answers to '" + linkId + "' (" + item.getType().toCode() + ") are not supported");
        };
    }

    private static IllegalArgumentException wrong(String linkId, String expected) {
        return new IllegalArgumentException("the answer to '" + linkId + "' must be " + expected);
    }

    /** A linkId the caller made up is echoed only when it looks like one. */
    private static String safe(String linkId) {
        return linkId.matches("[A-Za-z0-9._\\-]{1,64}") ? linkId : "?";
    }
}
