package health.portal.emr.sandbox.admin;

import health.portal.emr.sandbox.store.FhirStore;
import health.portal.emr.sandbox.store.ResourceView;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PractitionerRole;

import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Out-of-office windows set by tests: replaces the notAvailable of every PractitionerRole of a practitioner, the way
 * a clinic's scheduler would when someone falls ill, so that callers can test routing to a covering provider.
 */
public final class Availability {

    private final FhirStore store;

    public Availability(FhirStore store) {
        this.store = store;
    }

    /**
     * The practitioner is away from {@code start} until {@code end} (null: open-ended); every earlier window goes.
     *
     * @return the number of roles changed (0: the practitioner has none)
     */
    public int setAway(String practitionerId, Instant start, Instant end) {
        if (end != null && !end.isAfter(start)) {
            throw new IllegalArgumentException("the window must end after it starts");
        }
        return change(practitionerId, role -> {
            Period during = new Period().setStartElement(new DateTimeType(Date.from(start)));
            if (end != null) {
                during.setEndElement(new DateTimeType(Date.from(end)));
            }
            role.addNotAvailable()
                    .setDescription("Out of office (set through the sandbox)")
                    .setDuring(during);
        });
    }

    /** The practitioner is available again: no out-of-office window at all. */
    public int clear(String practitionerId) {
        return change(practitionerId, role -> {});
    }

    private int change(String practitionerId, java.util.function.Consumer<PractitionerRole> window) {
        String reference = "Practitioner/" + practitionerId;
        List<ResourceView> roles = store.all("PractitionerRole").stream()
                .filter(v -> v.actors().contains(reference))
                .toList();
        for (ResourceView view : roles) {
            PractitionerRole role = (PractitionerRole) view.resource(store.fhirContext());
            role.getNotAvailable().clear();
            window.accept(role);
            int version = Integer.parseInt(
                    role.getMeta().getVersionId() == null ? "1" : role.getMeta().getVersionId());
            role.getMeta().setVersionId(Integer.toString(version + 1)).setLastUpdated(new Date());
            store.put(role, null);
        }
        return roles.size();
    }
}
