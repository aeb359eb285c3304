package health.portal.emr.adapter.mapping;

import health.portal.proto.records.v1.QuestionnaireForm;
import health.portal.proto.records.v1.QuestionnaireItem;
import health.portal.proto.records.v1.QuestionnaireKind;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemComponent;
import org.hl7.fhir.r4.model.Questionnaire.QuestionnaireItemType;
import org.hl7.fhir.r4.model.Type;

import java.util.ArrayList;
import java.util.List;

/** Questionnaire -> QuestionnaireForm: a survey to answer or an education lesson to read. */
public final class QuestionnaireMapping {

    /** Questionnaire.code system of the portal's kinds: {@code survey} or {@code lesson}. */
    public static final String KIND_SYSTEM = "http://portal.health/fhir/CodeSystem/questionnaire-kind";

    private QuestionnaireMapping() {}

    public static QuestionnaireForm form(Questionnaire q) {
        QuestionnaireForm.Builder b = QuestionnaireForm.newBuilder()
                .setQuestionnaireId(Fhir.id(q))
                .setTitle(q.hasTitle() ? q.getTitle() : Fhir.nz(q.getName()))
                .setKind(kind(q))
                .setDescription(Fhir.nz(q.getDescription()));
        for (QuestionnaireItemComponent item : items(q)) {
            QuestionnaireItem.Builder i = QuestionnaireItem.newBuilder()
                    .setLinkId(Fhir.nz(item.getLinkId()))
                    .setText(Fhir.nz(item.getText()))
                    .setType(item.hasType() ? item.getType().toCode() : "")
                    .setRequired(item.getRequired());
            item.getAnswerOption().forEach(o -> i.addOptions(option(o.getValue())));
            b.addItems(i);
        }
        return b.build();
    }

    /** The items a person reads or answers, groups opened up, in the questionnaire's order. */
    public static List<QuestionnaireItemComponent> items(Questionnaire q) {
        List<QuestionnaireItemComponent> out = new ArrayList<>();
        collect(q.getItem(), out);
        return out;
    }

    private static void collect(List<QuestionnaireItemComponent> items, List<QuestionnaireItemComponent> out) {
        for (QuestionnaireItemComponent item : items) {
            if (item.getType() != QuestionnaireItemType.GROUP) {
                out.add(item);
            }
            collect(item.getItem(), out);
        }
    }

    /** The code the EMR gave, else a lesson when there is nothing to answer. */
    static QuestionnaireKind kind(Questionnaire q) {
        for (Coding c : q.getCode()) {
            if (KIND_SYSTEM.equals(c.getSystem())) {
                if ("lesson".equals(c.getCode())) {
                    return QuestionnaireKind.QUESTIONNAIRE_KIND_LESSON;
                }
                if ("survey".equals(c.getCode())) {
                    return QuestionnaireKind.QUESTIONNAIRE_KIND_SURVEY;
                }
            }
        }
        boolean answerable = items(q).stream().anyMatch(i -> i.getType() != QuestionnaireItemType.DISPLAY);
        return answerable ? QuestionnaireKind.QUESTIONNAIRE_KIND_SURVEY : QuestionnaireKind.QUESTIONNAIRE_KIND_LESSON;
    }

    /** An answer option as the patient sees (and answers) it: a coding's display, else its code, else the value. */
    public static String option(Type value) {
        if (value instanceof Coding c) {
            return c.hasDisplay() ? c.getDisplay() : Fhir.nz(c.getCode());
        }
        return value == null || value.primitiveValue() == null ? "" : value.primitiveValue();
    }
}
