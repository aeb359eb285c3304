package health.portal.emr.sandbox.store;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Invoice;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;

/** Extracts the search fields of the resource types the sandbox serves. */
final class Indexer {

    private Indexer() {}

    /** The resource types the sandbox stores and serves. */
    static final List<String> TYPES = List.of(
            "Patient",
            "AllergyIntolerance",
            "Condition",
            "MedicationRequest",
            "Medication",
            "Immunization",
            "Observation",
            "DiagnosticReport",
            "Encounter",
            "Appointment",
            "DocumentReference",
            "Practitioner",
            "Organization",
            "Location",
            "Questionnaire",
            "QuestionnaireResponse",
            "Communication",
            "CareTeam",
            "PractitionerRole",
            "Account",
            "ChargeItem",
            "Invoice");

    static ResourceIndex index(Resource resource) {
        Builder b = new Builder();
        switch (resource) {
            case Patient p -> {
                b.patient = p.getIdElement().getIdPart();
                b.date(p.getBirthDateElement());
                b.identifiers(p.getIdentifier());
                p.getName().forEach(b::name);
            }
            case AllergyIntolerance a -> {
                b.patient(a.getPatient());
                b.date(a.getRecordedDateElement());
                b.codes(a.getCode());
                b.identifiers(a.getIdentifier());
            }
            case Condition c -> {
                b.patient(c.getSubject());
                b.date(c.hasOnsetDateTimeType() ? c.getOnsetDateTimeType() : c.getRecordedDateElement());
                b.codes(c.getCode());
                c.getCategory().forEach(b::category);
                b.identifiers(c.getIdentifier());
            }
            case MedicationRequest m -> {
                b.patient(m.getSubject());
                b.date(m.getAuthoredOnElement());
                if (m.hasMedicationCodeableConcept()) {
                    b.codes(m.getMedicationCodeableConcept());
                }
                m.getCategory().forEach(b::category);
                b.identifiers(m.getIdentifier());
            }
            case Medication m -> {
                b.codes(m.getCode());
                b.identifiers(m.getIdentifier());
            }
            case Immunization i -> {
                b.patient(i.getPatient());
                if (i.hasOccurrenceDateTimeType()) {
                    b.date(i.getOccurrenceDateTimeType());
                }
                b.codes(i.getVaccineCode());
                b.identifiers(i.getIdentifier());
            }
            case Observation o -> {
                b.patient(o.getSubject());
                b.date(o.getEffective());
                b.codes(o.getCode());
                o.getCategory().forEach(b::category);
                b.identifiers(o.getIdentifier());
            }
            case DiagnosticReport d -> {
                b.patient(d.getSubject());
                b.date(d.getEffective());
                b.codes(d.getCode());
                d.getCategory().forEach(b::category);
                b.identifiers(d.getIdentifier());
            }
            case Encounter e -> {
                b.patient(e.getSubject());
                b.date(e.getPeriod());
                e.getType().forEach(b::codes);
                b.identifiers(e.getIdentifier());
            }
            case Appointment a -> {
                for (Appointment.AppointmentParticipantComponent participant : a.getParticipant()) {
                    Reference actor = participant.getActor();
                    if (actor.hasReference()) {
                        b.actors.add(actor.getReference());
                        if (actor.getReference().startsWith("Patient/")) {
                            b.patient(actor);
                        }
                    }
                }
                if (a.hasStart()) {
                    b.low = a.getStartElement().getValue().getTime();
                    b.high = a.hasEnd() ? a.getEndElement().getValue().getTime() : b.low;
                }
                a.getServiceType().forEach(b::codes);
                b.identifiers(a.getIdentifier());
            }
            case DocumentReference d -> {
                b.patient(d.getSubject());
                if (d.hasDate()) {
                    b.low = d.getDate().getTime();
                    b.high = b.low;
                }
                b.codes(d.getType());
                d.getCategory().forEach(b::category);
                b.identifiers(d.getIdentifier());
            }
            case Practitioner p -> {
                b.identifiers(p.getIdentifier());
                p.getName().forEach(b::name);
            }
            case Organization o -> {
                b.identifiers(o.getIdentifier());
                b.names.add(o.getName() == null ? "" : o.getName().toLowerCase(Locale.ROOT));
            }
            case Location l -> b.identifiers(l.getIdentifier());
            case Questionnaire q -> b.identifiers(q.getIdentifier());
            case QuestionnaireResponse q -> {
                b.patient(q.getSubject());
                b.date(q.getAuthoredElement());
                if (q.hasIdentifier()) {
                    b.identifiers(List.of(q.getIdentifier()));
                }
                if (q.hasQuestionnaire()) {
                    b.codes.add("|" + q.getQuestionnaire());
                }
            }
            case Communication c -> {
                b.patient(c.getSubject());
                b.date(c.getSentElement());
                c.getCategory().forEach(b::category);
                b.identifiers(c.getIdentifier());
            }
            case CareTeam c -> {
                b.patient(c.getSubject());
                b.date(c.getPeriod());
                c.getCategory().forEach(b::category);
                b.identifiers(c.getIdentifier());
                c.getParticipant().forEach(p -> b.actor(p.getMember()));
            }
            case PractitionerRole r -> {
                b.identifiers(r.getIdentifier());
                b.actor(r.getPractitioner());
                b.actor(r.getOrganization());
                r.getCode().forEach(b::codes);
            }
            case Account a -> {
                a.getSubject().forEach(b::patient);
                b.date(a.getServicePeriod());
                b.identifiers(a.getIdentifier());
            }
            case ChargeItem c -> {
                b.patient(c.getSubject());
                b.date(c.getOccurrence());
                b.codes(c.getCode());
                b.identifiers(c.getIdentifier());
                c.getAccount().forEach(b::actor);
                b.actor(c.getContext());
            }
            case Invoice i -> {
                b.patient(i.getSubject());
                b.date(i.getDateElement());
                b.identifiers(i.getIdentifier());
                b.actor(i.getAccount());
            }
            default -> throw new IllegalArgumentException("unsupported resource type " + resource.fhirType());
        }
        return b.build();
    }

    /** Start and end (inclusive, millis) of what a date covers at its precision. */
    static long[] span(BaseDateTimeType date) {
        Date value = date.getValue();
        TemporalPrecisionEnum precision = date.getPrecision();
        long low = value.getTime();
        long high = precision == null ? low : precision.add(value, 1).getTime() - 1;
        return new long[] {low, Math.max(low, high)};
    }

    private static final class Builder {
        String patient;
        long low = Long.MIN_VALUE;
        long high = Long.MIN_VALUE;
        final List<String> codes = new ArrayList<>();
        final List<String> categories = new ArrayList<>();
        final List<String> identifiers = new ArrayList<>();
        final List<String> actors = new ArrayList<>();
        final List<String> names = new ArrayList<>();

        void patient(Reference reference) {
            if (reference != null
                    && reference.hasReference()
                    && reference.getReferenceElement().getResourceType() != null
                    && reference.getReferenceElement().getResourceType().equals("Patient")) {
                patient = reference.getReferenceElement().getIdPart();
            }
        }

        /** Members of a CareTeam, the practitioner and organization of a PractitionerRole: searched by reference. */
        void actor(Reference reference) {
            if (reference != null && reference.hasReference()) {
                actors.add(reference.getReference());
            }
        }

        void date(Type value) {
            if (value instanceof BaseDateTimeType dt && dt.getValue() != null) {
                long[] span = span(dt);
                low = span[0];
                high = span[1];
            } else if (value instanceof Period period && period.hasStart()) {
                low = span(period.getStartElement())[0];
                high = period.hasEnd() ? span(period.getEndElement())[1] : span(period.getStartElement())[1];
            }
        }

        void codes(CodeableConcept concept) {
            add(codes, concept);
        }

        void category(CodeableConcept concept) {
            add(categories, concept);
        }

        void identifiers(List<Identifier> list) {
            for (Identifier identifier : list) {
                if (identifier.hasValue()) {
                    identifiers.add(nullToEmpty(identifier.getSystem()) + "|" + identifier.getValue());
                }
            }
        }

        void name(HumanName name) {
            if (name.hasFamily()) {
                names.add(name.getFamily().toLowerCase(Locale.ROOT));
            }
            name.getGiven().forEach(given -> names.add(given.getValue().toLowerCase(Locale.ROOT)));
            if (name.hasText()) {
                names.add(name.getText().toLowerCase(Locale.ROOT));
            }
        }

        private static void add(List<String> target, CodeableConcept concept) {
            if (concept == null) {
                return;
            }
            for (Coding coding : concept.getCoding()) {
                if (coding.hasCode()) {
                    target.add((nullToEmpty(coding.getSystem()) + "|" + coding.getCode()).intern());
                }
            }
        }

        private static String nullToEmpty(String s) {
            return s == null ? "" : s;
        }

        ResourceIndex build() {
            return new ResourceIndex(
                    patient,
                    low,
                    high == Long.MIN_VALUE ? low : high,
                    array(codes),
                    array(categories),
                    array(identifiers),
                    array(actors),
                    array(names));
        }

        private static String[] array(List<String> list) {
            return list.isEmpty() ? ResourceIndex.NONE : list.toArray(String[]::new);
        }
    }
}
