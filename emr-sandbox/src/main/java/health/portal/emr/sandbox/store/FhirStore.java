package health.portal.emr.sandbox.store;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Resource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The sandbox's in-memory FHIR R4 store: resources by type and id, by patient and by identifier.
 * Reads take a shared lock while they pick resources; writes (loading, creates) take the exclusive lock.
 */
public final class FhirStore {

    /** When seeded resources were last updated, as far as anyone asking is concerned. */
    private final Instant seededAt = Instant.now().minus(java.time.Duration.ofDays(1));

    private final FhirContext fhirContext;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Map<String, StoredResource>> byId = new HashMap<>();
    private final Map<String, Map<String, List<StoredResource>>> byPatient = new HashMap<>();
    private final Map<String, Map<String, List<StoredResource>>> byIdentifier = new HashMap<>();
    /** Types with resources that have clones: only there can an identifier match outside the index. */
    private final java.util.Set<String> clonedTypes = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Map<String, CloneFamily> familiesByBasePatient = new LinkedHashMap<>();

    public FhirStore(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
        for (String type : Indexer.TYPES) {
            byId.put(type, new LinkedHashMap<>());
            byPatient.put(type, new HashMap<>());
            byIdentifier.put(type, new HashMap<>());
        }
    }

    public FhirContext fhirContext() {
        return fhirContext;
    }

    public static boolean supports(String type) {
        return Indexer.TYPES.contains(type);
    }

    public static List<String> types() {
        return Indexer.TYPES;
    }

    /** Starts a clone family for a generated patient; its resources are added with {@link #put(Resource, CloneFamily)}. */
    public CloneFamily newFamily(String basePatientId, Set<String> ownedIds) {
        CloneFamily family = new CloneFamily(basePatientId, ownedIds);
        lock.writeLock().lock();
        try {
            familiesByBasePatient.put(basePatientId, family);
        } finally {
            lock.writeLock().unlock();
        }
        return family;
    }

    /** Spreads {@code total} clones over the families, in load order. */
    public void cloneFamilies(int total) {
        lock.writeLock().lock();
        try {
            List<CloneFamily> families = new ArrayList<>(familiesByBasePatient.values());
            if (families.isEmpty() || total <= 0) {
                return;
            }
            for (int i = 0; i < families.size(); i++) {
                families.get(i).setClones(total / families.size() + (i < total % families.size() ? 1 : 0));
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Stores a seeded resource: the EMR's history, last updated a day before this store began (unless it says when),
     * so that a watcher of changes since its own start (records-service's new-information poller) takes the seed
     * for what was there before, not for news to announce to every patient at each start.
     */
    public void putSeed(Resource resource, CloneFamily family) {
        if (!resource.getMeta().hasLastUpdated()) {
            resource.getMeta().setLastUpdated(Date.from(seededAt));
        }
        put(resource, family);
    }

    /** Stores a resource with its id (version 1), replacing any resource with the same type and id. */
    public void put(Resource resource, CloneFamily family) {
        String type = resource.fhirType();
        if (!supports(type)) {
            throw new IllegalArgumentException("unsupported resource type " + type);
        }
        String id = resource.getIdElement().getIdPart();
        if (id == null) {
            throw new IllegalArgumentException("resource without id");
        }
        resource.setId(type + "/" + id);
        if (!resource.getMeta().hasVersionId()) {
            resource.getMeta().setVersionId("1");
        }
        if (!resource.getMeta().hasLastUpdated()) {
            resource.getMeta().setLastUpdated(new Date());
        }
        StoredResource stored = new StoredResource(
                type,
                id,
                Indexer.index(resource),
                family,
                fhirContext.newJsonParser().encodeResourceToString(resource));
        if (family != null && family.clones() > 0) {
            clonedTypes.add(type);
        }
        lock.writeLock().lock();
        try {
            StoredResource previous = byId.get(type).put(id, stored);
            if (previous != null) {
                unindex(previous);
            }
            if (stored.index.patientId() != null) {
                byPatient
                        .get(type)
                        .computeIfAbsent(stored.index.patientId(), k -> new ArrayList<>(4))
                        .add(stored);
            }
            for (String identifier : stored.index.identifiers()) {
                byIdentifier
                        .get(type)
                        .computeIfAbsent(identifier, k -> new ArrayList<>(1))
                        .add(stored);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void unindex(StoredResource previous) {
        if (previous.index.patientId() != null) {
            byPatient
                    .get(previous.type)
                    .getOrDefault(previous.index.patientId(), new ArrayList<>())
                    .remove(previous);
        }
        for (String identifier : previous.index.identifiers()) {
            byIdentifier
                    .get(previous.type)
                    .getOrDefault(identifier, new ArrayList<>())
                    .remove(previous);
        }
    }

    /**
     * Conditional create: stores the resource under a new id unless a resource of its type already carries
     * {@code identifier}; returns the stored or the existing resource and whether it was created.
     *
     * @throws IllegalStateException when more than one resource carries the identifier
     */
    public Created createIfAbsent(Resource resource, String identifier) {
        lock.writeLock().lock();
        try {
            if (identifier != null) {
                List<StoredResource> matches =
                        byIdentifier.get(resource.fhirType()).getOrDefault(identifier, List.of());
                if (matches.size() > 1) {
                    throw new IllegalStateException(matches.size() + " resources match identifier " + identifier);
                }
                if (matches.size() == 1) {
                    return new Created(new ResourceView(matches.getFirst(), 0), false);
                }
            }
            resource.setId(UUID.randomUUID().toString());
            resource.getMeta().setVersionId("1");
            resource.getMeta().setLastUpdated(Date.from(Instant.now()));
            put(resource, null); // re-entrant write lock
            return new Created(new ResourceView(byId.get(resource.fhirType()).get(resource.getIdPart()), 0), true);
        } finally {
            lock.writeLock().unlock();
        }
    }

    public record Created(ResourceView view, boolean created) {}

    public Optional<ResourceView> read(String type, String id) {
        lock.readLock().lock();
        try {
            Map<String, StoredResource> resources = byId.get(type);
            if (resources == null || id == null) {
                return Optional.empty();
            }
            StoredResource direct = resources.get(id);
            if (direct != null) {
                return Optional.of(new ResourceView(direct, 0));
            }
            CloneFamily.CloneRef ref = CloneFamily.parse(id);
            if (ref != null) {
                StoredResource base = resources.get(ref.baseId());
                if (base != null && base.family != null && ref.number() >= 1 && ref.number() <= base.family.clones()) {
                    return Optional.of(new ResourceView(base, ref.number()));
                }
            }
            return Optional.empty();
        } finally {
            lock.readLock().unlock();
        }
    }

    public boolean patientExists(String patientId) {
        return read("Patient", patientId).isPresent();
    }

    /** Every resource of the type, clones included, in load order. */
    public List<ResourceView> all(String type) {
        lock.readLock().lock();
        try {
            Collection<StoredResource> resources = byId.get(type).values();
            List<ResourceView> views = new ArrayList<>(resources.size());
            for (StoredResource stored : resources) {
                views.add(new ResourceView(stored, 0));
            }
            for (StoredResource stored : resources) {
                if (stored.family != null) {
                    for (int clone = 1; clone <= stored.family.clones(); clone++) {
                        views.add(new ResourceView(stored, clone));
                    }
                }
            }
            return views;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The resources of the type in the record of one patient (a clone patient sees its family's clones). */
    public List<ResourceView> forPatient(String type, String patientId) {
        lock.readLock().lock();
        try {
            List<ResourceView> views = new ArrayList<>();
            Map<String, List<StoredResource>> index = byPatient.get(type);
            for (StoredResource stored : index.getOrDefault(patientId, List.of())) {
                views.add(new ResourceView(stored, 0));
            }
            CloneFamily.CloneRef ref = CloneFamily.parse(patientId);
            if (ref != null && !byId.get("Patient").containsKey(patientId)) {
                CloneFamily family = familiesByBasePatient.get(ref.baseId());
                if (family != null && ref.number() >= 1 && ref.number() <= family.clones()) {
                    for (StoredResource stored : index.getOrDefault(ref.baseId(), List.of())) {
                        if (stored.family == family) {
                            views.add(new ResourceView(stored, ref.number()));
                        }
                    }
                }
            }
            return views;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Whether {@link #byIdentifier} finds every resource of the type with an identifier: true unless some have clones,
     * whose rewritten identifiers are found only by scanning.
     */
    public boolean identifierIndexComplete(String type) {
        return !clonedTypes.contains(type);
    }

    /** The resources of the type carrying an identifier {@code system|value} (clones are matched by scanning). */
    public List<ResourceView> byIdentifier(String type, String identifier) {
        lock.readLock().lock();
        try {
            List<ResourceView> views = new ArrayList<>();
            for (StoredResource stored : byIdentifier.get(type).getOrDefault(identifier, List.of())) {
                views.add(new ResourceView(stored, 0));
            }
            return views;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Number of patients, clones included. */
    public int patientCount() {
        lock.readLock().lock();
        try {
            int count = byId.get("Patient").size();
            for (CloneFamily family : familiesByBasePatient.values()) {
                count += family.clones();
            }
            return count;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Number of resources, clones included. */
    public long resourceCount() {
        lock.readLock().lock();
        try {
            long count = 0;
            for (Map<String, StoredResource> resources : byId.values()) {
                for (StoredResource stored : resources.values()) {
                    count += 1 + (stored.family == null ? 0 : stored.family.clones());
                }
            }
            return count;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Number of resources actually held (clones excluded). */
    public long storedResourceCount() {
        lock.readLock().lock();
        try {
            return byId.values().stream().mapToLong(Map::size).sum();
        } finally {
            lock.readLock().unlock();
        }
    }
}
