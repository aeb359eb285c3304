package health.portal.emr.adapter.mapping;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import health.portal.proto.records.v1.Coding;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.util.Date;
import java.util.List;
import java.util.Optional;

/** Null-safe helpers: EMR data (and Synthea's) leave out many optional elements. */
final class Fhir {

    private Fhir() {}

    static String id(Resource resource) {
        return resource.getIdElement() == null || resource.getIdElement().getIdPart() == null
                ? ""
                : resource.getIdElement().getIdPart();
    }

    /** The text a person reads: CodeableConcept.text, else the first coding's display, else its code. */
    static String text(CodeableConcept concept) {
        if (concept == null || concept.isEmpty()) {
            return "";
        }
        if (concept.hasText()) {
            return concept.getText();
        }
        for (org.hl7.fhir.r4.model.Coding c : concept.getCoding()) {
            if (c.hasDisplay()) {
                return c.getDisplay();
            }
        }
        for (org.hl7.fhir.r4.model.Coding c : concept.getCoding()) {
            if (c.hasCode()) {
                return c.getCode();
            }
        }
        return "";
    }

    static String firstText(List<CodeableConcept> concepts) {
        return concepts == null || concepts.isEmpty() ? "" : text(concepts.get(0));
    }

    /** The first coding, as the portal's Coding; absent when there is none. */
    static Optional<Coding> coding(CodeableConcept concept) {
        if (concept == null || !concept.hasCoding()) {
            return Optional.empty();
        }
        org.hl7.fhir.r4.model.Coding c = concept.getCodingFirstRep();
        return Optional.of(Coding.newBuilder()
                .setSystem(nz(c.getSystem()))
                .setCode(nz(c.getCode()))
                .setDisplay(nz(c.getDisplay()))
                .build());
    }

    static String display(Reference reference) {
        if (reference == null || reference.isEmpty()) {
            return "";
        }
        if (reference.hasDisplay()) {
            return reference.getDisplay();
        }
        return nz(reference.getReference());
    }

    /** The date part (yyyy-MM-dd, or less when the EMR gave less precision) of a date or dateTime. */
    static String date(BaseDateTimeType value) {
        if (value == null || value.isEmpty() || value.getValueAsString() == null) {
            return "";
        }
        String s = value.getValueAsString();
        return s.length() > 10 ? s.substring(0, 10) : s;
    }

    static Optional<Timestamp> timestamp(Date date) {
        return date == null ? Optional.empty() : Optional.of(Timestamps.fromMillis(date.getTime()));
    }

    static Optional<Timestamp> timestamp(BaseDateTimeType value) {
        return value == null || value.isEmpty() ? Optional.empty() : timestamp(value.getValue());
    }

    static Optional<Timestamp> start(Period period) {
        return period == null || !period.hasStart() ? Optional.empty() : timestamp(period.getStart());
    }

    static Optional<Timestamp> end(Period period) {
        return period == null || !period.hasEnd() ? Optional.empty() : timestamp(period.getEnd());
    }

    static String nz(String s) {
        return s == null ? "" : s;
    }

    static String code(org.hl7.fhir.r4.model.Enumeration<?> e) {
        return e == null || e.isEmpty() ? "" : nz(e.getCode());
    }

    /** Status-like CodeableConcepts (clinicalStatus): the code, which is what apps compare against. */
    static String codeOf(CodeableConcept concept) {
        if (concept == null || !concept.hasCoding()) {
            return concept == null ? "" : nz(concept.getText());
        }
        return nz(concept.getCodingFirstRep().getCode());
    }
}
