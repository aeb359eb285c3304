package health.portal.emr.adapter;

import ca.uhn.fhir.rest.gclient.ReferenceClientParam;
import health.portal.emr.adapter.mapping.CareTeamMapping;
import health.portal.proto.records.v1.CareTeam;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The providers a patient may write to, as the EMR knows them: the active CareTeams' practitioners, else the
 * patient's generalPractitioner; for each, the PractitionerRoles with their out-of-office windows and who covers;
 * and the practice behind them.
 */
record CareTeams(FhirAccess access, ResourceReads reads) {

    CareTeam careTeam(String patientId) {
        Patient patient = reads.requirePatient(patientId);
        List<org.hl7.fhir.r4.model.CareTeam> teams =
                supported(() -> access.searchAll(org.hl7.fhir.r4.model.CareTeam.class, patientId)).stream()
                        .filter(t ->
                                !t.hasStatus() || t.getStatus() == org.hl7.fhir.r4.model.CareTeam.CareTeamStatus.ACTIVE)
                        .toList();
        Map<String, Member> members = new LinkedHashMap<>();
        for (var team : teams) {
            for (var participant : team.getParticipant()) {
                if (isPractitioner(participant.getMember())) {
                    members.putIfAbsent(
                            participant.getMember().getReference(),
                            new Member(participant.getMember(), CareTeamMapping.role(participant.getRole())));
                }
            }
        }
        if (members.isEmpty()) {
            for (Reference gp : patient.getGeneralPractitioner()) {
                if (isPractitioner(gp)) {
                    members.putIfAbsent(gp.getReference(), new Member(gp, ""));
                }
            }
        }
        String practice = teams.stream()
                .flatMap(t -> t.getManagingOrganization().stream())
                .map(CareTeams::organization)
                .filter(r -> r != null)
                .findFirst()
                .orElse(organization(patient.getManagingOrganization()));

        CareTeam.Builder out = CareTeam.newBuilder();
        for (Member m : ownProviderFirst(members, patient)) {
            String id = m.reference().getReferenceElement().getIdPart();
            Practitioner practitioner =
                    access.readOrEmpty(Practitioner.class, id).orElse(null);
            List<PractitionerRole> roles = supported(() -> access.searchAll(
                            PractitionerRole.class,
                            null,
                            new ReferenceClientParam(PractitionerRole.SP_PRACTITIONER).hasId("Practitioner/" + id),
                            null,
                            null))
                    .stream()
                    .filter(r -> !r.hasActive() || r.getActive())
                    .toList();
            out.addProviders(CareTeamMapping.provider(m.reference(), practitioner, m.role(), roles));
            if (practice == null) {
                practice = roles.stream()
                        .map(r -> organization(r.getOrganization()))
                        .filter(r -> r != null)
                        .findFirst()
                        .orElse(null);
            }
        }
        if (practice != null) {
            Organization organization = access.readOrEmpty(
                            Organization.class, practice.substring("Organization/".length()))
                    .orElse(null);
            out.setPractice(CareTeamMapping.practice(practice, organization));
        }
        return out.build();
    }

    /**
     * An EMR that does not serve CareTeam or PractitionerRole searches (404, 400) has none to give: the patient's
     * general practitioner and the practice still are the team. An outage is still an outage.
     */
    private static <T> List<T> supported(Supplier<List<T>> search) {
        try {
            return search.get();
        } catch (EmrUnavailableException | EmrInvalidDataException e) {
            throw e;
        } catch (EmrException notServed) {
            return List.of();
        }
    }

    private record Member(Reference reference, String role) {}

    /** The patient's first general practitioner leads, the others keep the EMR's order. */
    private static List<Member> ownProviderFirst(Map<String, Member> members, Patient patient) {
        List<Member> ordered = new ArrayList<>(members.values());
        patient.getGeneralPractitioner().stream()
                .map(Reference::getReference)
                .filter(members::containsKey)
                .findFirst()
                .ifPresent(own -> {
                    Member first = members.get(own);
                    ordered.remove(first);
                    ordered.addFirst(first);
                });
        return ordered;
    }

    private static String organization(Reference reference) {
        return reference != null
                        && reference.hasReference()
                        && "Organization".equals(reference.getReferenceElement().getResourceType())
                ? "Organization/" + reference.getReferenceElement().getIdPart()
                : null;
    }

    private static boolean isPractitioner(Reference reference) {
        return reference != null
                && reference.hasReference()
                && "Practitioner".equals(reference.getReferenceElement().getResourceType())
                && reference.getReferenceElement().getIdPart() != null;
    }
}
