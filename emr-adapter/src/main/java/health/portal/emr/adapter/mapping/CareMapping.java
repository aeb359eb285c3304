package health.portal.emr.adapter.mapping;

import health.portal.proto.records.v1.Appointment;
import health.portal.proto.records.v1.Document;
import health.portal.proto.records.v1.Visit;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Reference;

/** Encounter -> Visit, Appointment -> Appointment, DocumentReference -> Document. */
public final class CareMapping {

    private CareMapping() {}

    public static Visit visit(Encounter e) {
        Visit.Builder b = Visit.newBuilder()
                .setId(Fhir.id(e))
                .setType(Fhir.firstText(e.getType()))
                .setVisitClass(visitClass(e.getClass_()))
                .setStatus(e.hasStatus() ? e.getStatus().toCode() : "");
        Fhir.start(e.getPeriod()).ifPresent(b::setStart);
        Fhir.end(e.getPeriod()).ifPresent(b::setEnd);
        for (Encounter.EncounterParticipantComponent p : e.getParticipant()) {
            String who = Fhir.display(p.getIndividual());
            if (!who.isEmpty()) {
                b.addProviders(who);
            }
        }
        if (e.hasLocation()) {
            b.setLocation(Fhir.display(e.getLocationFirstRep().getLocation()));
        }
        if (b.getLocation().isEmpty() && e.hasServiceProvider()) {
            b.setLocation(Fhir.display(e.getServiceProvider()));
        }
        if (e.hasReasonCode()) {
            b.setReason(Fhir.firstText(e.getReasonCode()));
        } else if (e.hasReasonReference()) {
            b.setReason(Fhir.display(e.getReasonReferenceFirstRep()));
        }
        return b.build();
    }

    /** v3 ActCode encounter classes in words; an unknown code is passed on as is. */
    static String visitClass(org.hl7.fhir.r4.model.Coding coding) {
        if (coding == null || !coding.hasCode()) {
            return "";
        }
        return switch (coding.getCode()) {
            case "AMB" -> "ambulatory";
            case "EMER" -> "emergency";
            case "IMP", "ACUTE", "NONAC" -> "inpatient";
            case "OBSENC" -> "observation";
            case "PRENC" -> "pre-admission";
            case "SS" -> "short stay";
            case "VR" -> "virtual";
            case "HH" -> "home health";
            case "FLD" -> "field";
            default -> coding.hasDisplay() ? coding.getDisplay() : coding.getCode();
        };
    }

    public static Appointment appointment(org.hl7.fhir.r4.model.Appointment a) {
        Appointment.Builder b = Appointment.newBuilder()
                .setId(Fhir.id(a))
                .setDescription(Fhir.nz(a.getDescription()))
                .setStatus(a.hasStatus() ? a.getStatus().toCode() : "")
                .setServiceType(Fhir.firstText(a.getServiceType()));
        if (b.getDescription().isEmpty() && a.hasAppointmentType()) {
            b.setDescription(Fhir.text(a.getAppointmentType()));
        }
        if (b.getServiceType().isEmpty() && a.hasServiceCategory()) {
            b.setServiceType(Fhir.firstText(a.getServiceCategory()));
        }
        Fhir.timestamp(a.getStart()).ifPresent(b::setStart);
        Fhir.timestamp(a.getEnd()).ifPresent(b::setEnd);
        if (Telemedicine.isTelemedicine(a)) {
            b.setTelemedicine(true).setTelemedicineNotice(Telemedicine.NOTICE);
        }
        for (org.hl7.fhir.r4.model.Appointment.AppointmentParticipantComponent p : a.getParticipant()) {
            Reference actor = p.getActor();
            // the patient knows they take part; list the others (clinicians, rooms)
            if (actor.getReferenceElement().getResourceType() != null
                    && "Patient".equals(actor.getReferenceElement().getResourceType())) {
                continue;
            }
            String who = Fhir.display(actor);
            if (!who.isEmpty()) {
                b.addParticipants(who);
            }
        }
        return b.build();
    }

    public static Document document(DocumentReference d) {
        Document.Builder b = Document.newBuilder()
                .setId(Fhir.id(d))
                .setType(Fhir.text(d.getType()))
                .setStatus(d.hasStatus() ? d.getStatus().toCode() : "");
        String title = Fhir.nz(d.getDescription());
        if (title.isEmpty()
                && d.hasContent()
                && d.getContentFirstRep().getAttachment().hasTitle()) {
            title = d.getContentFirstRep().getAttachment().getTitle();
        }
        if (title.isEmpty()) {
            title = b.getType();
        }
        b.setTitle(title);
        if (d.hasDate()) {
            Fhir.timestamp(d.getDate()).ifPresent(b::setDate);
        } else if (d.hasContext() && d.getContext().hasPeriod()) {
            Fhir.start(d.getContext().getPeriod()).ifPresent(b::setDate);
        }
        if (d.hasAuthor()) {
            b.setAuthor(Fhir.display(d.getAuthorFirstRep()));
        }
        if (d.hasContent()) {
            b.setContentType(Fhir.nz(d.getContentFirstRep().getAttachment().getContentType()));
        }
        for (CodeableConcept c : d.getCategory()) {
            if (b.getType().isEmpty()) {
                b.setType(Fhir.text(c));
            }
        }
        return b.build();
    }
}
