package health.portal.emr.adapter.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.google.protobuf.util.Timestamps;
import health.portal.proto.records.v1.Interpretation;
import health.portal.proto.records.v1.LabResult;
import health.portal.proto.records.v1.PatientProfile;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.Map;
import java.util.stream.Collectors;

/** US Core resources as Synthea writes them, and a demo patient's flagged labs, mapped to the portal's model. */
class MappingTest {

    private static Map<String, Resource> synthea;
    private static Map<String, Resource> labs;

    @BeforeAll
    static void load() throws Exception {
        synthea = load("synthea-record.json");
        labs = load("demo-labs.json");
    }

    private static Map<String, Resource> load(String file) throws Exception {
        try (InputStream in = MappingTest.class.getResourceAsStream("/fixtures/" + file)) {
            Bundle b = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, in);
            return b.getEntry().stream()
                    .map(Bundle.BundleEntryComponent::getResource)
                    .collect(Collectors.toMap(r -> r.getIdElement().getIdPart(), r -> r));
        }
    }

    @Test
    void patientProfileTakesTheOfficialName() {
        PatientProfile p = PatientMapping.profile((Patient) synthea.get("synthea-1"));
        assertThat(p.getPatientId()).isEqualTo("synthea-1");
        assertThat(p.getGivenName()).isEqualTo("Alex647 Jay12");
        assertThat(p.getFamilyName()).isEqualTo("Rohan584");
        assertThat(p.getBirthDate()).isEqualTo("1980-03-04");
        assertThat(p.getSex()).isEqualTo("male");
    }

    @Test
    void patientProfileReadsOnlyTheElementsTheAdapterAsksFor() {
        Patient whole = (Patient) synthea.get("synthea-1");
        // what a server that honours _elements answers: the listed elements (with id and meta) only
        var parser = FhirContext.forR4Cached().newJsonParser();
        parser.setEncodeElements(
                PatientMapping.ELEMENTS.stream().map(e -> "Patient." + e).collect(Collectors.toSet()));
        Patient subset = FhirContext.forR4Cached()
                .newJsonParser()
                .parseResource(Patient.class, parser.encodeResourceToString(whole));
        assertThat(subset.hasIdentifier()).isFalse();
        assertThat(PatientMapping.profile(subset)).isEqualTo(PatientMapping.profile(whole));
    }

    @Test
    void summaryItemsReadOnlyTheElementsTheAdapterAsksFor() {
        // every choice element in its other form too, and an onset that is not the recorded date (in Synthea it is)
        Condition onset = (Condition) synthea.get("cond-1").copy();
        onset.setRecordedDateElement(new DateTimeType("2011-01-01"));
        Condition period = (Condition) synthea.get("cond-2").copy();
        period.setOnset(new Period().setStartElement(new DateTimeType("2018-05-02")));
        period.setAbatement(new Period().setEndElement(new DateTimeType("2019-02-03")));
        org.hl7.fhir.r4.model.Immunization inWords =
                (org.hl7.fhir.r4.model.Immunization) synthea.get("imm-1").copy();
        inWords.setOccurrence(new StringType("spring 2019"));
        MedicationRequest byReference = (MedicationRequest) synthea.get("med-2").copy();
        for (Resource r : synthea.values()) {
            switch (r) {
                case AllergyIntolerance a ->
                    assertThat(ClinicalMapping.allergy(subset(a, ClinicalMapping.ALLERGY_ELEMENTS)))
                            .isEqualTo(ClinicalMapping.allergy(a));
                case MedicationRequest m -> {
                    // the Medication the adapter resolved stays resolved (another test resolves med-2's)
                    MedicationRequest cut = subset(m, ClinicalMapping.MEDICATION_ELEMENTS);
                    if (m.hasMedicationReference()) {
                        cut.getMedicationReference()
                                .setResource(m.getMedicationReference().getResource());
                    }
                    assertThat(ClinicalMapping.medication(cut)).isEqualTo(ClinicalMapping.medication(m));
                }
                default -> {}
            }
        }
        for (Condition c : java.util.List.of((Condition) synthea.get("cond-1"), onset, period)) {
            assertThat(ClinicalMapping.problem(subset(c, ClinicalMapping.PROBLEM_ELEMENTS)))
                    .isEqualTo(ClinicalMapping.problem(c));
        }
        assertThat(ClinicalMapping.problem(onset).getOnsetDate()).isEqualTo("2010-03-14");
        for (var i : java.util.List.of((org.hl7.fhir.r4.model.Immunization) synthea.get("imm-1"), inWords)) {
            assertThat(ClinicalMapping.immunization(subset(i, ClinicalMapping.IMMUNIZATION_ELEMENTS)))
                    .isEqualTo(ClinicalMapping.immunization(i));
        }
        assertThat(subset(byReference, ClinicalMapping.MEDICATION_ELEMENTS).hasMedicationReference())
                .isTrue();
    }

    /** What a server that honours _elements answers (HAPI's server encodes with these same parser settings). */
    @SuppressWarnings("unchecked")
    private static <T extends Resource> T subset(T whole, java.util.List<String> elements) {
        var parser = FhirContext.forR4Cached().newJsonParser();
        parser.setEncodeElements(
                elements.stream().map(e -> whole.fhirType() + "." + e).collect(Collectors.toSet()));
        T subset = (T) FhirContext.forR4Cached()
                .newJsonParser()
                .parseResource(whole.getClass(), parser.encodeResourceToString(whole));
        assertThat(subset.getMeta().getTag()).as("marked as a subset").isNotEmpty();
        return subset;
    }

    @Test
    void patientWithoutNameOrBirthDateStillMaps() {
        PatientProfile p = PatientMapping.profile((Patient) new Patient().setId("bare"));
        assertThat(p.getPatientId()).isEqualTo("bare");
        assertThat(p.getGivenName()).isEmpty();
        assertThat(p.getBirthDate()).isEmpty();
    }

    @Test
    void allergyWithReactionsAndAllergyWithAlmostNothing() {
        var a = ClinicalMapping.allergy((AllergyIntolerance) synthea.get("al-1"));
        assertThat(a.getSubstance()).isEqualTo("Allergy to peanuts");
        assertThat(a.getCode().getSystem()).isEqualTo("http://snomed.info/sct");
        assertThat(a.getCode().getCode()).isEqualTo("91935009");
        assertThat(a.getClinicalStatus()).isEqualTo("active");
        assertThat(a.getCriticality()).isEqualTo("low");
        assertThat(a.getReactionsList()).containsExactly("Wheal (finding)", "Eruption of skin (disorder)");
        assertThat(a.getRecordedDate()).isEqualTo("2001-05-12");

        var sparse = ClinicalMapping.allergy((AllergyIntolerance) synthea.get("al-2"));
        assertThat(sparse.getSubstance()).isEqualTo("Latex allergy"); // from the coding's display, no text
        assertThat(sparse.getClinicalStatus()).isEmpty();
        assertThat(sparse.getReactionsList()).isEmpty();
    }

    @Test
    void problemsWithOnsetAndAbatement() {
        var active = ClinicalMapping.problem((Condition) synthea.get("cond-1"));
        assertThat(active.getName()).isEqualTo("Diabetes mellitus type 2 (disorder)");
        assertThat(active.getCode().getCode()).isEqualTo("44054006");
        assertThat(active.getClinicalStatus()).isEqualTo("active");
        assertThat(active.getOnsetDate()).isEqualTo("2010-03-14");
        assertThat(active.getAbatementDate()).isEmpty();

        var resolved = ClinicalMapping.problem((Condition) synthea.get("cond-2"));
        assertThat(resolved.getClinicalStatus()).isEqualTo("resolved");
        assertThat(resolved.getAbatementDate()).isEqualTo("2019-01-16");
    }

    @Test
    void medicationWithStructuredDosage() {
        var m = ClinicalMapping.medication((MedicationRequest) synthea.get("med-1"));
        assertThat(m.getName()).isEqualTo("24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet");
        assertThat(m.getCode().getSystem()).isEqualTo("http://www.nlm.nih.gov/research/umls/rxnorm");
        assertThat(m.getCode().getCode()).isEqualTo("860975");
        assertThat(m.getStatus()).isEqualTo("active");
        assertThat(m.getAuthoredOn()).isEqualTo("2010-03-14");
        assertThat(m.getPrescriber()).isEqualTo("Dr. Jane792 Smith");
        assertThat(m.getDosageInstruction()).isEqualTo("1, 2 times per 1 day(s)");
    }

    @Test
    void medicationByReferenceUsesTheResolvedMedication() {
        MedicationRequest r = (MedicationRequest) synthea.get("med-2");
        r.getMedicationReference().setResource(synthea.get("m-9"));
        var m = ClinicalMapping.medication(r);
        assertThat(m.getName()).isEqualTo("Acetaminophen 325 MG Oral Tablet");
        assertThat(m.getStatus()).isEqualTo("stopped");
        assertThat(m.getDosageInstruction()).isEmpty();
    }

    @Test
    void immunization() {
        var i = ClinicalMapping.immunization((Immunization) synthea.get("imm-1"));
        assertThat(i.getVaccine()).isEqualTo("Influenza, seasonal, injectable, preservative free");
        assertThat(i.getCode().getCode()).isEqualTo("140");
        assertThat(i.getStatus()).isEqualTo("completed");
        assertThat(i.getOccurrenceDate()).isEqualTo("2024-10-01");
    }

    @Test
    void vitalSignsQuantityAndBloodPressurePanel() {
        LabResult height = ObservationMapping.result((Observation) synthea.get("obs-h2"));
        assertThat(height.getCategory()).isEqualTo("vital-signs");
        assertThat(height.getNumericValue()).isEqualTo(175.5);
        assertThat(height.getUnit()).isEqualTo("cm");
        assertThat(height.getValueText()).isEqualTo("175.5 cm");
        assertThat(height.getCode().getCode()).isEqualTo("8302-2");
        assertThat(Timestamps.toString(height.getEffectiveAt())).isEqualTo("2025-04-01T14:00:00Z");
        assertThat(height.getInterpretation()).isEqualTo(Interpretation.INTERPRETATION_UNSPECIFIED);

        LabResult bp = ObservationMapping.result((Observation) synthea.get("obs-bp"));
        assertThat(bp.hasNumericValue()).isFalse();
        assertThat(bp.getValueText()).isEqualTo("128/82 mm[Hg]");
        assertThat(bp.getUnit()).isEqualTo("mm[Hg]");
    }

    @Test
    void codedValueObservation() {
        LabResult smoking = ObservationMapping.result((Observation) synthea.get("obs-smoke"));
        assertThat(smoking.getValueText()).isEqualTo("Never smoked tobacco (finding)");
        assertThat(smoking.hasNumericValue()).isFalse();
        assertThat(smoking.getCategory()).isEqualTo("social-history");
    }

    @Test
    void flagsFromTheLab() {
        LabResult k = ObservationMapping.result((Observation) labs.get("k"));
        assertThat(k.getNumericValue()).isEqualTo(5.9);
        assertThat(k.getValueText()).isEqualTo("5.9 mmol/L");
        assertThat(k.getReferenceRange().getLow()).isEqualTo(3.5);
        assertThat(k.getReferenceRange().getHigh()).isEqualTo(5.1);
        assertThat(k.getReferenceRange().getUnit()).isEqualTo("mmol/L");
        assertThat(k.getReferenceRange().getText()).isEqualTo("3.5-5.1 mmol/L");
        assertThat(k.getInterpretation()).isEqualTo(Interpretation.HIGH);

        assertThat(ObservationMapping.result((Observation) labs.get("glu")).getInterpretation())
                .isEqualTo(Interpretation.CRITICAL_LOW);
        assertThat(ObservationMapping.result((Observation) labs.get("trop")).getInterpretation())
                .isEqualTo(Interpretation.CRITICAL_HIGH);
        assertThat(ObservationMapping.result((Observation) labs.get("trop"))
                        .getReferenceRange()
                        .getText())
                .isEqualTo("<=0.04 ng/mL");
        assertThat(ObservationMapping.result((Observation) labs.get("ca")).getInterpretation())
                .isEqualTo(Interpretation.LOW);
        assertThat(ObservationMapping.result((Observation) labs.get("hgb")).getInterpretation())
                .isEqualTo(Interpretation.NORMAL);
        LabResult covid = ObservationMapping.result((Observation) labs.get("covid"));
        assertThat(covid.getInterpretation()).isEqualTo(Interpretation.ABNORMAL);
        assertThat(covid.getValueText()).isEqualTo("Positive");
    }

    @Test
    void flagDerivedFromRangeOnlyWhenTheLabGaveNone() {
        LabResult na = ObservationMapping.result((Observation) labs.get("na"));
        assertThat(na.getInterpretation()).isEqualTo(Interpretation.LOW);
        LabResult ldl = ObservationMapping.result((Observation) labs.get("ldl"));
        assertThat(ldl.getValueText()).isEqualTo("<99 mg/dL");
        assertThat(ldl.getReferenceRange().getText()).isEqualTo("Optimal below 100 mg/dL");
        assertThat(ldl.getReferenceRange().hasLow()).isFalse();
        assertThat(ldl.getInterpretation()).isEqualTo(Interpretation.INTERPRETATION_UNSPECIFIED);
    }

    @Test
    void labReportWithItsResults() {
        var report = ObservationMapping.report(
                (DiagnosticReport) synthea.get("dr-1"), Map.of("obs-a1c", (Observation) synthea.get("obs-a1c")));
        assertThat(report.getName()).isEqualTo("Hemoglobin A1c/Hemoglobin.total in Blood");
        assertThat(report.getStatus()).isEqualTo("final");
        assertThat(Timestamps.toString(report.getIssuedAt())).isEqualTo("2025-04-01T14:00:00Z");
        assertThat(report.getResultsList()).singleElement().satisfies(r -> {
            assertThat(r.getNumericValue()).isEqualTo(6.8);
            assertThat(r.getValueText()).isEqualTo("6.8 %");
            assertThat(r.getCategory()).isEqualTo("laboratory");
        });
        // a result the EMR did not deliver still shows its name
        var unresolved = ObservationMapping.report((DiagnosticReport) synthea.get("dr-1"), Map.of());
        assertThat(unresolved.getResultsList())
                .singleElement()
                .satisfies(r -> assertThat(r.getName()).isEqualTo("Hemoglobin A1c/Hemoglobin.total in Blood"));
    }

    @Test
    void visits() {
        var v = CareMapping.visit((Encounter) synthea.get("enc-1"));
        assertThat(v.getType()).isEqualTo("Encounter for check up (procedure)");
        assertThat(v.getVisitClass()).isEqualTo("ambulatory");
        assertThat(v.getStatus()).isEqualTo("finished");
        assertThat(v.getProvidersList()).containsExactly("Dr. Jane792 Smith");
        assertThat(v.getLocation()).isEqualTo("BOSTON MEDICAL CLINIC");
        assertThat(Timestamps.toString(v.getStart())).isEqualTo("2025-04-01T14:00:00Z");
        assertThat(Timestamps.toString(v.getEnd())).isEqualTo("2025-04-01T14:30:00Z");

        var er = CareMapping.visit((Encounter) synthea.get("enc-2"));
        assertThat(er.getVisitClass()).isEqualTo("emergency");
        assertThat(er.getReason()).isEqualTo("Viral sinusitis (disorder)");

        var open = CareMapping.visit((Encounter) synthea.get("enc-3"));
        assertThat(open.getType()).isEmpty();
        assertThat(open.hasEnd()).isFalse();
    }

    @Test
    void documents() {
        var d = CareMapping.document((DocumentReference) synthea.get("doc-1"));
        assertThat(d.getType()).isEqualTo("History and physical note");
        assertThat(d.getTitle()).isEqualTo("History and physical note");
        assertThat(d.getStatus()).isEqualTo("current");
        assertThat(d.getAuthor()).isEqualTo("Dr. Jane792 Smith");
        assertThat(d.getContentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(Timestamps.toString(d.getDate())).isEqualTo("2025-04-01T14:00:00Z");
    }

    @Test
    void appointment() {
        var a = new org.hl7.fhir.r4.model.Appointment();
        a.setId("ap-1");
        a.setStatus(org.hl7.fhir.r4.model.Appointment.AppointmentStatus.BOOKED);
        a.setDescription("Annual physical");
        a.addServiceType().setText("General practice");
        a.setStart(new java.util.Date(1767261600000L));
        a.addParticipant().getActor().setReference("Patient/demo-alex").setDisplay("Alex Demo");
        a.addParticipant().getActor().setReference("Practitioner/p1").setDisplay("Dr. Lee");
        var m = CareMapping.appointment(a);
        assertThat(m.getId()).isEqualTo("ap-1");
        assertThat(m.getStatus()).isEqualTo("booked");
        assertThat(m.getDescription()).isEqualTo("Annual physical");
        assertThat(m.getServiceType()).isEqualTo("General practice");
        assertThat(m.getParticipantsList()).containsExactly("Dr. Lee");
        assertThat(m.getStart().getSeconds()).isEqualTo(1767261600L);
        assertThat(m.getTelemedicine()).as("in person").isFalse();
        assertThat(m.getTelemedicineNotice()).isEmpty();
    }

    @Test
    void aTelemedicineAppointmentCarriesTheNoticeHoweverTheEmrMarksIt() {
        var byCategory = new org.hl7.fhir.r4.model.Appointment();
        byCategory
                .addServiceCategory()
                .addCoding(new org.hl7.fhir.r4.model.Coding(Telemedicine.V3_ACT_CODE, "VR", "virtual"));
        var byServiceType = new org.hl7.fhir.r4.model.Appointment();
        byServiceType
                .addServiceType()
                .addCoding(new org.hl7.fhir.r4.model.Coding(Telemedicine.SNOMED, "448337001", null));
        var byAppointmentType = new org.hl7.fhir.r4.model.Appointment();
        byAppointmentType
                .getAppointmentType()
                .addCoding(new org.hl7.fhir.r4.model.Coding(Telemedicine.V3_ACT_CODE, "VR", null));
        var byR5Element = new org.hl7.fhir.r4.model.Appointment();
        byR5Element.addExtension().setUrl(Telemedicine.VIRTUAL_SERVICE);
        for (var a : java.util.List.of(byCategory, byServiceType, byAppointmentType, byR5Element)) {
            var m = CareMapping.appointment(a);
            assertThat(m.getTelemedicine()).isTrue();
            assertThat(m.getTelemedicineNotice())
                    .contains("complete physical exam")
                    .contains("lost connection or an interruption");
        }

        var inPerson = new org.hl7.fhir.r4.model.Appointment();
        inPerson.addServiceCategory()
                .addCoding(new org.hl7.fhir.r4.model.Coding(Telemedicine.V3_ACT_CODE, "AMB", "ambulatory"));
        inPerson.addServiceType()
                .addCoding(new org.hl7.fhir.r4.model.Coding(Telemedicine.SNOMED, "390906007", "Follow-up encounter"));
        inPerson.getAppointmentType()
                .addCoding(new org.hl7.fhir.r4.model.Coding("http://example.org/not-snomed", "448337001", null));
        assertThat(CareMapping.appointment(inPerson).getTelemedicine()).isFalse();
    }
}
