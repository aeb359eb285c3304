package health.portal.emr.adapter.mapping;

import health.portal.proto.records.v1.CareProvider;
import health.portal.proto.records.v1.Period;
import health.portal.proto.records.v1.Practice;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Practitioner + PractitionerRoles -> CareProvider; Organization -> Practice. */
public final class CareTeamMapping {

    /** PractitionerRole extension (valueReference): who answers for this practitioner while they are away. */
    public static final String COVERING_PRACTITIONER =
            "http://portal.health/fhir/StructureDefinition/covering-practitioner";
    /** Organization extension (valueCode, IANA zone) of the core extensions pack. */
    public static final String TIME_ZONE = "http://hl7.org/fhir/StructureDefinition/timezone";

    private CareTeamMapping() {}

    /**
     * @param practitioner the Practitioner read from the EMR, or null when it could not be (then the reference's
     *                     display is the name)
     * @param role         the role the CareTeam gave the practitioner; empty: the role's code, else a qualification
     */
    public static CareProvider provider(
            Reference reference, Practitioner practitioner, String role, List<PractitionerRole> roles) {
        CareProvider.Builder b = CareProvider.newBuilder().setReference(reference.getReference());
        String name = practitioner == null ? "" : name(practitioner);
        b.setDisplayName(name.isEmpty() ? Fhir.nz(reference.getDisplay()) : name);
        if (role.isEmpty()) {
            role = roles.stream()
                    .map(r -> Fhir.firstText(r.getCode()))
                    .filter(s -> !s.isEmpty())
                    .findFirst()
                    .orElse(
                            practitioner != null && practitioner.hasQualification()
                                    ? Fhir.text(practitioner
                                            .getQualificationFirstRep()
                                            .getCode())
                                    : "");
        }
        b.setRole(role);
        for (PractitionerRole r : roles) {
            for (PractitionerRole.PractitionerRoleNotAvailableComponent away : r.getNotAvailable()) {
                if (away.hasDuring() && away.getDuring().hasStart()) {
                    Period.Builder p = Period.newBuilder();
                    Fhir.start(away.getDuring()).ifPresent(p::setStart);
                    Fhir.end(away.getDuring()).ifPresent(p::setEnd);
                    b.addUnavailable(p);
                }
            }
        }
        roles.stream()
                .map(r -> r.getExtensionByUrl(COVERING_PRACTITIONER))
                .filter(e -> e != null && e.getValue() instanceof Reference ref && ref.hasReference())
                .map(e -> ((Reference) e.getValue()).getReference())
                .filter(ref -> !ref.equals(reference.getReference()))
                .findFirst()
                .ifPresent(b::setCoveringReference);
        return b.build();
    }

    public static Practice practice(String reference, Organization organization) {
        Practice.Builder b = Practice.newBuilder().setReference(reference);
        if (organization == null) {
            return b.build();
        }
        b.setName(Fhir.nz(organization.getName()));
        organization.getTelecom().stream()
                .filter(t -> t.getSystem() == ContactPoint.ContactPointSystem.PHONE && t.hasValue())
                .findFirst()
                .ifPresent(t -> b.setPhone(t.getValue()));
        Extension zone = organization.getExtensionByUrl(TIME_ZONE);
        if (zone != null && zone.getValue() != null && zone.getValue().isPrimitive()) {
            b.setTimeZone(Fhir.nz(zone.getValue().primitiveValue()));
        }
        return b.build();
    }

    /** A CareTeam participant's role in words. */
    public static String role(List<CodeableConcept> roles) {
        return Fhir.firstText(roles);
    }

    /** The official name's text, else prefix, given and family names. */
    static String name(Practitioner practitioner) {
        Optional<HumanName> name = practitioner.getName().stream()
                .filter(n -> n.getUse() == HumanName.NameUse.OFFICIAL)
                .findFirst()
                .or(() -> practitioner.getName().stream().findFirst());
        if (name.isEmpty()) {
            return "";
        }
        HumanName n = name.get();
        if (n.hasText()) {
            return n.getText();
        }
        return Stream.of(
                        n.getPrefix().stream().map(StringType::getValue),
                        n.getGiven().stream().map(StringType::getValue),
                        Stream.of(n.getFamily()))
                .flatMap(s -> s)
                .filter(s -> s != null && !s.isBlank())
                .collect(Collectors.joining(" "));
    }
}
