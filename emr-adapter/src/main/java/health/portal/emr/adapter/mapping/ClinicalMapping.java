package health.portal.emr.adapter.mapping;

import health.portal.proto.records.v1.Allergy;
import health.portal.proto.records.v1.Immunization;
import health.portal.proto.records.v1.Medication;
import health.portal.proto.records.v1.Problem;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Timing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** AllergyIntolerance, Condition, MedicationRequest and Immunization -> the health summary's items. */
public final class ClinicalMapping {

    // The elements each mapping below reads, which the adapter asks the EMR for alone (FHIR _elements): Synthea's
    // resources carry about a third more (category, verificationStatus, encounter, location, reasons) that the
    // summary does not show. Each list keeps the reference to the patient, which the compartment check reads. A test
    // maps every sandbox patient's summary both ways.

    /** What {@link #allergy} reads, and the patient. */
    public static final List<String> ALLERGY_ELEMENTS =
            List.of("patient", "code", "clinicalStatus", "criticality", "recordedDate", "reaction");
    /** What {@link #problem} reads, and the subject. */
    public static final List<String> PROBLEM_ELEMENTS =
            List.of("subject", "code", "clinicalStatus", "onset", "abatement", "recordedDate");
    /** What {@link #medication} reads, and the subject. */
    public static final List<String> MEDICATION_ELEMENTS =
            List.of("subject", "status", "authoredOn", "requester", "medication", "dosageInstruction");
    /** What {@link #immunization} reads, and the patient. */
    public static final List<String> IMMUNIZATION_ELEMENTS = List.of("patient", "vaccineCode", "status", "occurrence");

    private ClinicalMapping() {}

    public static Allergy allergy(AllergyIntolerance a) {
        Allergy.Builder b = Allergy.newBuilder()
                .setId(Fhir.id(a))
                .setSubstance(Fhir.text(a.getCode()))
                .setClinicalStatus(Fhir.codeOf(a.getClinicalStatus()))
                .setCriticality(a.hasCriticality() ? a.getCriticality().toCode() : "")
                .setRecordedDate(Fhir.date(a.getRecordedDateElement()));
        Fhir.coding(a.getCode()).ifPresent(b::setCode);
        for (AllergyIntolerance.AllergyIntoleranceReactionComponent r : a.getReaction()) {
            for (CodeableConcept m : r.getManifestation()) {
                String text = Fhir.text(m);
                if (!text.isEmpty() && !b.getReactionsList().contains(text)) {
                    b.addReactions(text);
                }
            }
        }
        if (b.getSubstance().isEmpty() && a.getReactionFirstRep().hasSubstance()) {
            b.setSubstance(Fhir.text(a.getReactionFirstRep().getSubstance()));
        }
        return b.build();
    }

    public static Problem problem(Condition c) {
        Problem.Builder b = Problem.newBuilder()
                .setId(Fhir.id(c))
                .setName(Fhir.text(c.getCode()))
                .setClinicalStatus(Fhir.codeOf(c.getClinicalStatus()));
        Fhir.coding(c.getCode()).ifPresent(b::setCode);
        if (c.hasOnsetDateTimeType()) {
            b.setOnsetDate(Fhir.date(c.getOnsetDateTimeType()));
        } else if (c.hasOnsetPeriod() && c.getOnsetPeriod().hasStartElement()) {
            b.setOnsetDate(Fhir.date(c.getOnsetPeriod().getStartElement()));
        } else if (c.hasRecordedDateElement()) {
            b.setOnsetDate(Fhir.date(c.getRecordedDateElement()));
        }
        if (c.hasAbatementDateTimeType()) {
            b.setAbatementDate(Fhir.date(c.getAbatementDateTimeType()));
        } else if (c.hasAbatementPeriod() && c.getAbatementPeriod().hasEndElement()) {
            b.setAbatementDate(Fhir.date(c.getAbatementPeriod().getEndElement()));
        }
        return b.build();
    }

    public static Medication medication(MedicationRequest m) {
        Medication.Builder b = Medication.newBuilder()
                .setId(Fhir.id(m))
                .setStatus(m.hasStatus() ? m.getStatus().toCode() : "")
                .setAuthoredOn(Fhir.date(m.getAuthoredOnElement()))
                .setPrescriber(Fhir.display(m.getRequester()));
        if (m.hasMedicationCodeableConcept()) {
            b.setName(Fhir.text(m.getMedicationCodeableConcept()));
            Fhir.coding(m.getMedicationCodeableConcept()).ifPresent(b::setCode);
        } else if (m.hasMedicationReference()) {
            Resource target = (Resource) m.getMedicationReference().getResource();
            if (target instanceof org.hl7.fhir.r4.model.Medication med) {
                b.setName(Fhir.text(med.getCode()));
                Fhir.coding(med.getCode()).ifPresent(b::setCode);
            } else {
                b.setName(Fhir.display(m.getMedicationReference()));
            }
        }
        b.setDosageInstruction(dosage(m.getDosageInstruction()));
        return b.build();
    }

    public static Immunization immunization(org.hl7.fhir.r4.model.Immunization i) {
        Immunization.Builder b = Immunization.newBuilder()
                .setId(Fhir.id(i))
                .setVaccine(Fhir.text(i.getVaccineCode()))
                .setStatus(i.hasStatus() ? i.getStatus().toCode() : "");
        Fhir.coding(i.getVaccineCode()).ifPresent(b::setCode);
        if (i.hasOccurrenceDateTimeType()) {
            b.setOccurrenceDate(Fhir.date(i.getOccurrenceDateTimeType()));
        } else if (i.hasOccurrenceStringType()) {
            b.setOccurrenceDate(i.getOccurrenceStringType().getValue());
        }
        return b.build();
    }

    /** Dosage.text when the EMR wrote one; otherwise a plain rendering of dose and timing ("1 tablet, 2 times a day"). */
    static String dosage(List<Dosage> dosages) {
        List<String> parts = new ArrayList<>();
        for (Dosage d : dosages) {
            if (d.hasText()) {
                parts.add(d.getText());
                continue;
            }
            List<String> pieces = new ArrayList<>();
            if (d.hasDoseAndRate() && d.getDoseAndRateFirstRep().hasDoseQuantity()) {
                Quantity q = d.getDoseAndRateFirstRep().getDoseQuantity();
                pieces.add(plain(q.getValue()) + (q.hasUnit() ? " " + q.getUnit() : ""));
            }
            if (d.hasTiming() && d.getTiming().hasRepeat()) {
                Timing.TimingRepeatComponent r = d.getTiming().getRepeat();
                if (r.hasFrequency() && r.hasPeriod() && r.hasPeriodUnit()) {
                    pieces.add(r.getFrequency() + " time" + (r.getFrequency() == 1 ? "" : "s") + " per "
                            + plain(r.getPeriod()) + " " + unit(r.getPeriodUnit()));
                }
            }
            if (d.getAsNeededBooleanType().booleanValue()) {
                pieces.add("as needed");
            }
            if (!pieces.isEmpty()) {
                parts.add(String.join(", ", pieces));
            }
        }
        return String.join("; ", parts);
    }

    private static String unit(Timing.UnitsOfTime u) {
        return switch (u) {
            case S -> "second(s)";
            case MIN -> "minute(s)";
            case H -> "hour(s)";
            case D -> "day(s)";
            case WK -> "week(s)";
            case MO -> "month(s)";
            case A -> "year(s)";
            default -> u.toCode();
        };
    }

    static String plain(BigDecimal value) {
        return value == null ? "" : value.stripTrailingZeros().toPlainString();
    }
}
