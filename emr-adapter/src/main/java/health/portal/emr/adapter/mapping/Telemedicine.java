package health.portal.emr.adapter.mapping;

import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

import java.util.ArrayList;
import java.util.List;

/**
 * Telemedicine appointments: how an R4 EMR marks them, and what the portal tells the patient with each one (the terms
 * of use: "the limitations of a telemedicine visit include the possibility of not being able to pick up conditions
 * found during a complete physical exam; there may also be technical difficulties like a lost connection or
 * interruption").
 *
 * <p>R4 has no element for it (R5 added {@code Appointment.virtualService}), so EMRs code it: the encounter class
 * {@code VR} (virtual) of v3 ActCode as service category or type, or SNOMED CT's telemedicine consultation, or R5's
 * element as a cross-version extension. Any of them counts.
 */
public final class Telemedicine {

    /** Shown with every telemedicine appointment, on the page and in the API's answer. */
    public static final String NOTICE = "This is a telemedicine visit, by video or telephone. Its limitations: "
            + "conditions that a complete physical exam would find may not be picked up, and there may be technical "
            + "difficulties such as a lost connection or an interruption. If you need to be examined in person, "
            + "please tell us.";

    static final String V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    static final String VIRTUAL = "VR";
    static final String SNOMED = "http://snomed.info/sct";
    static final String TELEMEDICINE_CONSULTATION = "448337001";
    static final String VIRTUAL_SERVICE =
            "http://hl7.org/fhir/5.0/StructureDefinition/extension-Appointment.virtualService";

    private Telemedicine() {}

    public static boolean isTelemedicine(Appointment appointment) {
        if (appointment.hasExtension(VIRTUAL_SERVICE)) {
            return true;
        }
        List<CodeableConcept> concepts = new ArrayList<>(appointment.getServiceCategory());
        concepts.addAll(appointment.getServiceType());
        concepts.add(appointment.getAppointmentType());
        return concepts.stream().flatMap(c -> c.getCoding().stream()).anyMatch(Telemedicine::marksTelemedicine);
    }

    private static boolean marksTelemedicine(Coding coding) {
        return (V3_ACT_CODE.equals(coding.getSystem()) && VIRTUAL.equals(coding.getCode()))
                || (SNOMED.equals(coding.getSystem()) && TELEMEDICINE_CONSULTATION.equals(coding.getCode()));
    }
}
