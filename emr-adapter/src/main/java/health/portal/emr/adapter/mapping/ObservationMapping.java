package health.portal.emr.adapter.mapping;

import health.portal.proto.records.v1.Interpretation;
import health.portal.proto.records.v1.LabReport;
import health.portal.proto.records.v1.LabResult;
import health.portal.proto.records.v1.ReferenceRange;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** Observation -> LabResult (value, unit, reference range, flag) and DiagnosticReport -> LabReport. */
public final class ObservationMapping {

    static final String INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

    private ObservationMapping() {}

    public static LabResult result(Observation o) {
        LabResult.Builder b = LabResult.newBuilder()
                .setId(Fhir.id(o))
                .setName(Fhir.text(o.getCode()))
                .setCategory(category(o))
                .setStatus(o.hasStatus() ? o.getStatus().toCode() : "");
        Fhir.coding(o.getCode()).ifPresent(b::setCode);
        Fhir.timestamp(effective(o)).ifPresent(b::setEffectiveAt);

        Double numeric = null;
        if (o.hasValueQuantity()) {
            Quantity q = o.getValueQuantity();
            if (q.hasValue()) {
                numeric = q.getValue().doubleValue();
                b.setNumericValue(numeric);
            }
            String unit = unit(q);
            b.setUnit(unit);
            String comparator = q.hasComparator() ? q.getComparator().toCode() : "";
            b.setValueText(
                    (comparator + ClinicalMapping.plain(q.getValue()) + (unit.isEmpty() ? "" : " " + unit)).trim());
        } else if (o.hasValue()) {
            b.setValueText(valueText(o.getValue()));
        } else if (o.hasComponent()) {
            b.setValueText(componentsText(o));
            if (!o.getComponentFirstRep().getValueQuantity().isEmpty()) {
                b.setUnit(unit(o.getComponentFirstRep().getValueQuantity()));
            }
        } else if (o.hasDataAbsentReason()) {
            b.setValueText(Fhir.text(o.getDataAbsentReason()));
        }

        ReferenceRange range = null;
        if (o.hasReferenceRange()) {
            range = range(o.getReferenceRangeFirstRep());
            b.setReferenceRange(range);
        }
        b.setInterpretation(interpretation(o.getInterpretation(), numeric, range));
        return b.build();
    }

    public static LabReport report(DiagnosticReport r, Map<String, Observation> observationsById) {
        LabReport.Builder b = LabReport.newBuilder()
                .setId(Fhir.id(r))
                .setName(Fhir.text(r.getCode()))
                .setStatus(r.hasStatus() ? r.getStatus().toCode() : "");
        Fhir.coding(r.getCode()).ifPresent(b::setCode);
        Fhir.timestamp(reportDate(r)).ifPresent(b::setIssuedAt);
        for (Reference ref : r.getResult()) {
            Observation o = ref.getResource() instanceof Observation inline
                    ? inline
                    : observationsById.get(ref.getReferenceElement().getIdPart());
            if (o != null) {
                b.addResults(result(o));
            } else if (ref.hasDisplay()) {
                b.addResults(LabResult.newBuilder().setName(ref.getDisplay()).build());
            }
        }
        return b.build();
    }

    /** When the report was issued; Synthea and many EMRs give only the effective time. */
    public static Date reportDate(DiagnosticReport r) {
        if (r.hasIssued()) {
            return r.getIssued();
        }
        if (r.hasEffectiveDateTimeType()) {
            return r.getEffectiveDateTimeType().getValue();
        }
        if (r.hasEffectivePeriod()) {
            return r.getEffectivePeriod().getStart();
        }
        return null;
    }

    public static Date effective(Observation o) {
        if (o.hasEffectiveDateTimeType()) {
            return o.getEffectiveDateTimeType().getValue();
        }
        if (o.hasEffectivePeriod()) {
            return o.getEffectivePeriod().getStart();
        }
        if (o.hasEffectiveInstantType()) {
            return o.getEffectiveInstantType().getValue();
        }
        return o.hasIssued() ? o.getIssued() : null;
    }

    public static boolean hasCategory(Observation o, String code) {
        return o.getCategory().stream().flatMap(c -> c.getCoding().stream()).anyMatch(c -> code.equals(c.getCode()));
    }

    static String category(Observation o) {
        for (CodeableConcept c : o.getCategory()) {
            for (Coding coding : c.getCoding()) {
                if (coding.hasCode()) {
                    return coding.getCode();
                }
            }
        }
        return "";
    }

    /**
     * The EMR's own flag wins (v3 ObservationInterpretation: H, L, HH, LL, N, A and their synonyms). Only when
     * the EMR gave no flag but a numeric value and a range is the flag derived from the range, and then only
     * LOW/HIGH/NORMAL: deciding "critical" is left to the lab.
     */
    static Interpretation interpretation(List<CodeableConcept> interpretations, Double value, ReferenceRange range) {
        for (CodeableConcept c : interpretations) {
            for (Coding coding : c.getCoding()) {
                Interpretation i = fromCode(coding.getCode());
                if (i != Interpretation.INTERPRETATION_UNSPECIFIED) {
                    return i;
                }
            }
        }
        if (value != null && range != null && (range.hasLow() || range.hasHigh())) {
            if (range.hasLow() && value < range.getLow()) {
                return Interpretation.LOW;
            }
            if (range.hasHigh() && value > range.getHigh()) {
                return Interpretation.HIGH;
            }
            return Interpretation.NORMAL;
        }
        return Interpretation.INTERPRETATION_UNSPECIFIED;
    }

    static Interpretation fromCode(String code) {
        if (code == null) {
            return Interpretation.INTERPRETATION_UNSPECIFIED;
        }
        return switch (code) {
            case "N" -> Interpretation.NORMAL;
            case "L", "<" -> Interpretation.LOW;
            case "H", ">" -> Interpretation.HIGH;
            case "LL", "LU" -> Interpretation.CRITICAL_LOW;
            case "HH", "HU" -> Interpretation.CRITICAL_HIGH;
            case "A", "AA", "POS", "DET", "R" -> Interpretation.ABNORMAL;
            default -> Interpretation.INTERPRETATION_UNSPECIFIED;
        };
    }

    static ReferenceRange range(Observation.ObservationReferenceRangeComponent r) {
        ReferenceRange.Builder b = ReferenceRange.newBuilder();
        if (r.hasLow() && r.getLow().hasValue()) {
            b.setLow(r.getLow().getValue().doubleValue());
            b.setUnit(unit(r.getLow()));
        }
        if (r.hasHigh() && r.getHigh().hasValue()) {
            b.setHigh(r.getHigh().getValue().doubleValue());
            b.setUnit(unit(r.getHigh()));
        }
        if (r.hasText()) {
            b.setText(r.getText());
        } else if (b.hasLow() || b.hasHigh()) {
            String unit = b.getUnit().isEmpty() ? "" : " " + b.getUnit();
            if (b.hasLow() && b.hasHigh()) {
                b.setText(ClinicalMapping.plain(r.getLow().getValue()) + "-"
                        + ClinicalMapping.plain(r.getHigh().getValue()) + unit);
            } else if (b.hasLow()) {
                b.setText(">=" + ClinicalMapping.plain(r.getLow().getValue()) + unit);
            } else {
                b.setText("<=" + ClinicalMapping.plain(r.getHigh().getValue()) + unit);
            }
        }
        return b.build();
    }

    static String unit(Quantity q) {
        if (q == null) {
            return "";
        }
        return q.hasUnit() ? q.getUnit() : Fhir.nz(q.getCode());
    }

    static String valueText(Type value) {
        if (value instanceof CodeableConcept cc) {
            return Fhir.text(cc);
        }
        if (value instanceof Quantity q) {
            String unit = unit(q);
            return (ClinicalMapping.plain(q.getValue()) + (unit.isEmpty() ? "" : " " + unit)).trim();
        }
        if (value instanceof org.hl7.fhir.r4.model.Ratio ratio) {
            return valueText(ratio.getNumerator()) + " / " + valueText(ratio.getDenominator());
        }
        if (value instanceof org.hl7.fhir.r4.model.Range range) {
            return valueText(range.getLow()) + " - " + valueText(range.getHigh());
        }
        if (value instanceof org.hl7.fhir.r4.model.PrimitiveType<?> p) {
            return Fhir.nz(p.getValueAsString());
        }
        return "";
    }

    private static boolean hasLoinc(CodeableConcept code, String loinc) {
        return code.getCoding().stream().anyMatch(c -> loinc.equals(c.getCode()));
    }

    /** Panels such as blood pressure: "120/80 mmHg" when all parts share a unit, else "part: value" pairs. */
    static String componentsText(Observation o) {
        List<String> values = new ArrayList<>();
        List<String> labelled = new ArrayList<>();
        String sharedUnit = null;
        boolean sameUnit = true;
        List<Observation.ObservationComponentComponent> components = new ArrayList<>(o.getComponent());
        // blood pressure reads systolic/diastolic, whatever order the EMR stored the parts in
        components.sort(java.util.Comparator.comparingInt(c -> hasLoinc(c.getCode(), "8480-6") ? 0 : 1));
        for (Observation.ObservationComponentComponent c : components) {
            if (c.hasValueQuantity()) {
                Quantity q = c.getValueQuantity();
                String unit = unit(q);
                values.add(ClinicalMapping.plain(q.getValue()));
                labelled.add(Fhir.text(c.getCode()) + ": " + valueText(q));
                if (sharedUnit == null) {
                    sharedUnit = unit;
                } else if (!sharedUnit.equals(unit)) {
                    sameUnit = false;
                }
            } else if (c.hasValue()) {
                labelled.add(Fhir.text(c.getCode()) + ": " + valueText(c.getValue()));
                sameUnit = false;
            }
        }
        if (sameUnit && !values.isEmpty() && values.size() == labelled.size()) {
            return String.join("/", values) + (sharedUnit == null || sharedUnit.isEmpty() ? "" : " " + sharedUnit);
        }
        return String.join("; ", labelled);
    }
}
