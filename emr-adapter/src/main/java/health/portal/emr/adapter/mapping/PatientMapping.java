package health.portal.emr.adapter.mapping;

import health.portal.proto.records.v1.PatientProfile;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;

import java.util.List;
import java.util.stream.Collectors;

/** US Core Patient -> PatientProfile (no clinical content). */
public final class PatientMapping {

    /**
     * The elements of a Patient that {@link #profile} reads (and the birth date the portal checks at enrollment): the
     * adapter asks the EMR for these only (FHIR {@code _elements}). A test maps every fixture patient both ways.
     */
    public static final List<String> ELEMENTS = List.of("name", "birthDate", "gender");

    private PatientMapping() {}

    public static PatientProfile profile(Patient patient) {
        HumanName name = preferredName(patient);
        PatientProfile.Builder b = PatientProfile.newBuilder().setPatientId(Fhir.id(patient));
        if (name != null) {
            b.setGivenName(name.getGiven().stream()
                    .map(StringType::getValue)
                    .filter(v -> v != null && !v.isBlank())
                    .collect(Collectors.joining(" ")));
            b.setFamilyName(Fhir.nz(name.getFamily()));
            if (!name.hasGiven() && !name.hasFamily() && name.hasText()) {
                b.setFamilyName(name.getText());
            }
        }
        if (patient.hasBirthDateElement()) {
            b.setBirthDate(Fhir.date(patient.getBirthDateElement()));
        }
        if (patient.hasGender()) {
            b.setSex(patient.getGender().toCode());
        }
        return b.build();
    }

    /** US Core: the official name when there is one, else the usual one, else the first. */
    static HumanName preferredName(Patient patient) {
        if (!patient.hasName()) {
            return null;
        }
        for (HumanName.NameUse use : new HumanName.NameUse[] {HumanName.NameUse.OFFICIAL, HumanName.NameUse.USUAL}) {
            for (HumanName n : patient.getName()) {
                if (n.getUse() == use && (!n.hasPeriod() || n.getPeriod().getEnd() == null)) {
                    return n;
                }
            }
        }
        return patient.getNameFirstRep();
    }
}
