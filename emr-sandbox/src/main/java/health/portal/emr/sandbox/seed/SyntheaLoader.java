package health.portal.emr.sandbox.seed;

import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.util.FhirTerser;
import health.portal.emr.sandbox.store.CloneFamily;
import health.portal.emr.sandbox.store.FhirStore;
import health.portal.emr.sandbox.store.ResourceView;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads Synthea transaction bundles into the store. Synthea links resources with {@code urn:uuid:} full URLs and
 * with conditional references ({@code Practitioner?identifier=...}); both are turned into {@code Type/id}
 * references to the stored ids (Synthea's UUIDs). References to types the sandbox does not keep are dropped,
 * their display text is kept.
 */
public final class SyntheaLoader {

    private final FhirStore store;
    private final FhirTerser terser;
    private int patients;
    private long skipped;

    public SyntheaLoader(FhirStore store) {
        this.store = store;
        this.terser = store.fhirContext().newTerser();
    }

    /** Loads the files (hospitals and practitioners first) and returns the number of generated patients loaded. */
    public int load(List<SyntheaData.BundleFile> files) {
        for (SyntheaData.BundleFile file : files) {
            Bundle bundle = parse(file);
            if (SyntheaData.loadOrder(file.name()) < 2) {
                loadShared(bundle);
            } else {
                loadPatient(bundle);
            }
        }
        return patients;
    }

    /** Resources of types the sandbox does not serve, left out while loading. */
    public long skipped() {
        return skipped;
    }

    private Bundle parse(SyntheaData.BundleFile file) {
        IParser parser = store.fhirContext().newJsonParser();
        // keep Synthea's ids instead of the urn:uuid full URLs
        parser.setOverrideResourceIdWithBundleEntryFullUrl(false);
        try (InputStream in = file.open()) {
            return parser.parseResource(Bundle.class, in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Synthea file " + file.name(), e);
        }
    }

    private void loadShared(Bundle bundle) {
        List<PractitionerRole> roles = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            if (resource instanceof PractitionerRole role) {
                roles.add(role); // after the practitioners they name
            } else if (resource != null && FhirStore.supports(resource.fhirType())) {
                resolveReferences(resource, Map.of());
                store.putSeed(resource, null);
            } else {
                skipped++;
            }
        }
        for (PractitionerRole role : roles) {
            resolveReferences(role, Map.of());
            resolveLogical(role.getPractitioner(), "Practitioner");
            resolveLogical(role.getOrganization(), "Organization");
            store.putSeed(role, null);
        }
    }

    private void loadPatient(Bundle bundle) {
        SyntheaClaims.replaceClaims(bundle);
        Map<String, String> byFullUrl = new HashMap<>();
        Set<String> owned = new HashSet<>();
        String patientId = null;
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            if (resource == null || !FhirStore.supports(resource.fhirType())) {
                continue;
            }
            String id = resource.getIdElement().getIdPart();
            owned.add(id);
            if (entry.hasFullUrl()) {
                byFullUrl.put(entry.getFullUrl(), resource.fhirType() + "/" + id);
            }
            if (resource.fhirType().equals("Patient")) {
                patientId = id;
            }
        }
        if (patientId == null) {
            return;
        }
        CloneFamily family = store.newFamily(patientId, owned);
        List<Resource> resources = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            Resource resource = entry.getResource();
            if (resource == null || !FhirStore.supports(resource.fhirType())) {
                skipped++;
                continue;
            }
            resolveReferences(resource, byFullUrl);
            resources.add(resource);
        }
        careProviders(resources);
        resources.forEach(r -> store.putSeed(r, family));
        patients++;
    }

    private void resolveReferences(Resource resource, Map<String, String> byFullUrl) {
        for (Reference reference : terser.getAllPopulatedChildElementsOfType(resource, Reference.class)) {
            String target = reference.getReference();
            if (target == null || target.startsWith("#")) {
                continue;
            }
            String resolved;
            if (target.startsWith("urn:uuid:")) {
                resolved = byFullUrl.get(target);
            } else if (target.contains("?")) {
                resolved = resolveConditional(target);
            } else {
                resolved = target;
            }
            if (resolved == null) {
                reference.setReference(null);
            } else {
                reference.setReference(resolved);
            }
        }
    }

    /**
     * Synthea names no generalPractitioner nor a managing organization: the practitioner and the organization of the
     * patient's latest ambulatory encounter (else any encounter) stand in, so that every patient has someone to write
     * to, as in a real EMR.
     */
    private static void careProviders(List<Resource> resources) {
        Patient patient = null;
        Encounter latest = null;
        for (Resource r : resources) {
            if (r instanceof Patient p) {
                patient = p;
            } else if (r instanceof Encounter e
                    && hasPractitioner(e)
                    && e.getPeriod().hasStart()) {
                boolean ambulatory = "AMB".equals(e.getClass_().getCode());
                boolean latestAmbulatory =
                        latest != null && "AMB".equals(latest.getClass_().getCode());
                if (latest == null
                        || (ambulatory && !latestAmbulatory)
                        || (ambulatory == latestAmbulatory
                                && e.getPeriod()
                                        .getStart()
                                        .after(latest.getPeriod().getStart()))) {
                    latest = e;
                }
            }
        }
        if (patient == null || latest == null) {
            return;
        }
        addCareProviders(patient, latest);
    }

    private static void addCareProviders(Patient patient, Encounter latest) {
        if (!patient.hasGeneralPractitioner()) {
            latest.getParticipant().stream()
                    .map(Encounter.EncounterParticipantComponent::getIndividual)
                    .filter(SyntheaLoader::isPractitioner)
                    .findFirst()
                    .ifPresent(i -> patient.addGeneralPractitioner(i.copy()));
        }
        if (!patient.hasManagingOrganization()
                && latest.hasServiceProvider()
                && latest.getServiceProvider().hasReference()) {
            patient.setManagingOrganization(latest.getServiceProvider().copy());
        }
    }

    private static boolean hasPractitioner(Encounter e) {
        return e.getParticipant().stream()
                .map(Encounter.EncounterParticipantComponent::getIndividual)
                .anyMatch(SyntheaLoader::isPractitioner);
    }

    private static boolean isPractitioner(Reference r) {
        return r.hasReference() && r.getReference().startsWith("Practitioner/");
    }

    /** A logical reference (identifier only, as Synthea's PractitionerRole has) to a {@code Type/id} one. */
    private void resolveLogical(Reference reference, String type) {
        if (reference.hasReference()
                || !reference.hasIdentifier()
                || !reference.getIdentifier().hasValue()) {
            return;
        }
        String identifier = (reference.getIdentifier().hasSystem()
                        ? reference.getIdentifier().getSystem()
                        : "") + "|" + reference.getIdentifier().getValue();
        String resolved = resolveConditional(type + "?identifier=" + identifier);
        if (resolved != null) {
            reference.setReference(resolved);
        }
    }

    /** {@code Type?identifier=system|value} to {@code Type/id}, or null if nothing stored carries the identifier. */
    private String resolveConditional(String target) {
        int question = target.indexOf('?');
        String type = target.substring(0, question);
        String query = target.substring(question + 1);
        if (!FhirStore.supports(type) || !query.startsWith("identifier=")) {
            return null;
        }
        List<ResourceView> matches = store.byIdentifier(type, query.substring("identifier=".length()));
        return matches.size() == 1 ? type + "/" + matches.getFirst().id() : null;
    }
}
