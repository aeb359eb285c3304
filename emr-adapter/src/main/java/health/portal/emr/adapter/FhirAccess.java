package health.portal.emr.adapter;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IRestfulClientFactory;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.gclient.ICriterion;
import ca.uhn.fhir.rest.gclient.IQuery;
import ca.uhn.fhir.rest.gclient.IUntypedQuery;
import ca.uhn.fhir.rest.gclient.ReferenceClientParam;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.portal.emr.adapter.smart.BearerTokenInterceptor;
import health.portal.emr.adapter.smart.SmartBackendAuth;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The connection to the EMR and the only ways the adapter reads it: a resource by id, and a search with all its
 * pages. Every exchange goes through the {@link EmrGuard}.
 */
final class FhirAccess {

    private static final int MAX_PAGES = 500; // a server whose next links loop must not hold a thread forever

    private final EmrSettings settings;
    private final FhirContext fhir;
    private final IGenericClient client;
    private final EmrGuard guard;
    private final PatientCompartment compartment;
    private final ForeignResourceListener foreign;
    private final Unsupported unsupported;
    // virtual threads, as records-service's own: interrupting one blocked on the EMR's socket closes that socket, so
    // an abandoned summary frees its connections at once; the HTTP pool (settings.maxConnections) bounds them
    private final ExecutorService parallel = Executors.newVirtualThreadPerTaskExecutor();
    /** Drops seen by one of {@link #all}'s reads, told to the listener by the thread that waits for them. */
    private static final ThreadLocal<List<Runnable>> deferredDrops = new ThreadLocal<>();

    FhirAccess(EmrSettings settings, ForeignResourceListener foreign) {
        this.settings = settings;
        // own context: the HTTP timeouts live in the context's client factory
        this.fhir = FhirContext.forR4();
        IRestfulClientFactory factory = fhir.getRestfulClientFactory();
        factory.setServerValidationMode(ServerValidationModeEnum.NEVER);
        factory.setConnectTimeout((int) settings.connectTimeout().toMillis());
        factory.setConnectionRequestTimeout((int) settings.connectTimeout().toMillis());
        factory.setSocketTimeout((int) settings.readTimeout().toMillis());
        // HAPI's default pool is 20 connections: a summary's parallel searches would queue behind it and fail after
        // the connect timeout while the EMR is merely busy
        factory.setPoolMaxTotal(settings.maxConnections());
        factory.setPoolMaxPerRoute(settings.maxConnections());
        this.client = fhir.newRestfulGenericClient(settings.baseUrl());
        if (settings.smart() != null) {
            client.registerInterceptor(new BearerTokenInterceptor(new SmartBackendAuth(
                    settings.smart(), settings.connectTimeout().plus(settings.readTimeout()))));
        }
        this.guard = new EmrGuard(settings);
        this.compartment = new PatientCompartment(fhir);
        this.foreign = foreign;
        this.unsupported = new Unsupported(settings.unsupportedFeatureMemory());
    }

    EmrSettings settings() {
        return settings;
    }

    FhirContext fhirContext() {
        return fhir;
    }

    IGenericClient client() {
        return client;
    }

    EmrGuard guard() {
        return guard;
    }

    /** The resource, or empty when the EMR has none with this id or has deleted it. */
    <T extends Resource> Optional<T> readOrEmpty(Class<T> type, String id) {
        return Optional.ofNullable(guard.read("read " + type.getSimpleName(), () -> {
            try {
                return client.read().resource(type).withId(id).execute();
            } catch (ResourceNotFoundException | ResourceGoneException e) {
                return null;
            }
        }));
    }

    /**
     * As {@link #readOrEmpty(Class, String)}, asking only the given elements (FHIR {@code _elements}; the id and meta
     * come anyway): less for the EMR to encode and for the adapter to parse. An EMR that ignores the parameter answers
     * the whole resource, which reads the same; one that refuses it (remembered) is asked for the whole resource.
     */
    <T extends Resource> Optional<T> readOrEmpty(Class<T> type, String id, List<String> elements) {
        return withFeature(
                        type.getSimpleName() + "?_elements",
                        () -> Optional.ofNullable(guard.read("read " + type.getSimpleName(), () -> {
                            try {
                                return client.read()
                                        .resource(type)
                                        .withId(id)
                                        .elementsSubset(elements.toArray(String[]::new))
                                        .execute();
                            } catch (ResourceNotFoundException | ResourceGoneException e) {
                                return null;
                            }
                        })))
                .orElseGet(() -> readOrEmpty(type, id));
    }

    /**
     * The attempt's answer, or empty when this EMR refused the feature before (remembered) or refuses it now (400 and
     * the like; then remembered): the caller asks another way. An outage or an answer that is not FHIR is thrown, as
     * it would be without the feature.
     */
    private <R> Optional<R> withFeature(String feature, Supplier<R> attempt) {
        if (unsupported.has(feature)) {
            return Optional.empty();
        }
        try {
            return Optional.of(attempt.get());
        } catch (EmrUnavailableException | EmrInvalidDataException e) {
            throw e;
        } catch (EmrException e) {
            unsupported.remember(feature, e);
            return Optional.empty();
        }
    }

    /**
     * The resources by id (those the EMR has; a missing or deleted one is left out), searched by {@code _id} in lists
     * of up to {@code perSearch}, those lists at once: a few requests for a patient's hundreds of Medications. What a
     * search did not bring (an EMR that refuses the search, remembered, or ignores the parameter and answers others)
     * is read one by one ({@link #readAllOrEmpty}).
     */
    <T extends Resource> Map<String, T> findAllById(Class<T> type, List<String> ids, int perSearch, int atOnce) {
        List<Supplier<?>> searches = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += perSearch) {
            List<String> list = ids.subList(from, Math.min(ids.size(), from + perSearch));
            searches.add(() -> withFeature(
                            type.getSimpleName() + "?_id",
                            () -> guard.read(
                                    "search " + type.getSimpleName() + " by id",
                                    () -> client.search()
                                            .forResource(type)
                                            .where(new TokenClientParam(IAnyResource.SP_RES_ID)
                                                    .exactly()
                                                    .codes(list))
                                            .count(list.size())
                                            .returnBundle(Bundle.class)
                                            .execute()))
                    .orElse(null));
        }
        Set<String> wanted = Set.copyOf(ids);
        Map<String, T> out = new LinkedHashMap<>();
        for (Object page : all(searches)) {
            if (page instanceof Bundle bundle) {
                for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
                    String id = e.getResource() == null
                            ? null
                            : e.getResource().getIdElement().getIdPart();
                    if (type.isInstance(e.getResource()) && wanted.contains(id)) {
                        out.putIfAbsent(id, type.cast(e.getResource()));
                    }
                }
            }
        }
        List<String> missing = ids.stream().filter(id -> !out.containsKey(id)).toList();
        out.putAll(readAllOrEmpty(type, missing, atOnce));
        return out;
    }

    /**
     * The resources by id (those the EMR has; a missing or deleted one is left out), read {@code atOnce} at a time
     * through {@link #all}: a list that an EMR could not give in one search (a patient's Medications when it ignores
     * or refuses the _include) can hold hundreds, and one after another they took seconds.
     */
    <T extends Resource> Map<String, T> readAllOrEmpty(Class<T> type, List<String> ids, int atOnce) {
        Semaphore permits = new Semaphore(atOnce);
        List<Supplier<?>> reads = new ArrayList<>(ids.size());
        for (String id : ids) {
            reads.add(() -> {
                try {
                    permits.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("EMR reads abandoned");
                }
                try {
                    return readOrEmpty(type, id).orElse(null);
                } finally {
                    permits.release();
                }
            });
        }
        List<Object> read = all(reads);
        Map<String, T> out = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            if (type.isInstance(read.get(i))) {
                out.put(ids.get(i), type.cast(read.get(i)));
            }
        }
        return out;
    }

    CapabilityStatement capabilities() {
        return guard.read(
                "read CapabilityStatement",
                () -> client.capabilities().ofType(CapabilityStatement.class).execute());
    }

    <T extends Resource> List<T> searchAll(Class<T> type, String patientId) {
        return searchAll(type, patientId, null, null, null);
    }

    /**
     * As {@link #searchAll(Class, String)}, asking only the given elements (FHIR {@code _elements}; the id and meta come
     * anyway), which must include the reference to the patient that the compartment check reads. An EMR that refuses
     * the parameter (remembered) is asked for whole resources; one that ignores it answers them, which read the same.
     */
    <T extends Resource> List<T> searchAll(Class<T> type, String patientId, List<String> elements) {
        return searchAllElements(type, patientId, null, null, elements);
    }

    /**
     * Searches resources of one type (the patient's, or all when patientId is null) to the last page. Every other
     * entry, what the include brought, goes into included (when given) keyed by "Type/id".
     */
    <T extends Resource> List<T> searchAll(
            Class<T> type, String patientId, ICriterion<?> extra, Include include, Map<String, Resource> included) {
        return searchAllMatching(type, patientId, extra == null ? List.of() : List.of(extra), include, included);
    }

    /**
     * As {@link #searchAll(Class, String, ICriterion, Include, Map)}, with only the given elements (see {@link
     * #searchAll(Class, String, List)}) while the include is not sent: the included resources would be cut to them.
     */
    <T extends Resource> List<T> searchAllElements(
            Class<T> type, String patientId, Include include, Map<String, Resource> included, List<String> elements) {
        String op = "search " + type.getSimpleName();
        Bundle first = firstPageOrWithoutInclude(op, type, patientId, List.of(), include, null, 0, elements);
        List<T> out = new ArrayList<>();
        forEachEntry(first, op, patientId, collect(type, out, included, r -> true), () -> false);
        return out;
    }

    /** As {@link #searchAll(Class, String, ICriterion, Include, Map)}, with every criterion of the list (AND). */
    <T extends Resource> List<T> searchAllMatching(
            Class<T> type,
            String patientId,
            List<ICriterion<?>> extra,
            Include include,
            Map<String, Resource> included) {
        String op = "search " + type.getSimpleName();
        Bundle first = firstPageOrWithoutInclude(op, type, patientId, extra, include, null, 0, List.of());
        List<T> out = new ArrayList<>();
        forEachEntry(first, op, patientId, collect(type, out, included, r -> true), () -> false);
        return out;
    }

    /**
     * The first {@code wanted} resources that {@code keep} accepts, asked sorted by {@code sortParam} descending (newest
     * first): one page of {@code wanted} from the EMR, more only when that exceeds the search page size, the EMR pages
     * smaller, or some were dropped. Empty when
     * the EMR refuses that sort (remembered, as an unsupported include is): the caller falls back to the whole list.
     * An EMR that accepts {@code _sort} but ignores it is the caller's to detect (see {@link #isSorted}).
     */
    <T extends Resource> Optional<List<T>> searchNewest(
            Class<T> type,
            String patientId,
            List<ICriterion<?>> extra,
            Include include,
            Map<String, Resource> included,
            String sortParam,
            int wanted,
            Predicate<T> keep) {
        String sortKey = type.getSimpleName() + "?_sort=-" + sortParam;
        String op = "search " + type.getSimpleName() + " (newest)";
        // never more per page than the setting asks: the EMR's own limit and the operator's choice
        Bundle first = withFeature(
                        sortKey,
                        () -> firstPageOrWithoutInclude(
                                op,
                                type,
                                patientId,
                                extra,
                                include,
                                sortParam,
                                Math.min(wanted, settings.searchPageSize()),
                                List.of()))
                .orElse(null);
        if (first == null) {
            return Optional.empty();
        }
        Bundle.BundleLinkComponent self = first.getLink(Bundle.LINK_SELF);
        if (self != null && self.hasUrl() && !self.getUrl().contains("_sort=")) {
            // the self link names the parameters the server applied: this one ignored the sort
            unsupported.remember(sortKey, new EmrException("_sort missing from the self link"));
            return Optional.empty();
        }
        List<T> out = new ArrayList<>();
        forEachEntry(first, op, patientId, collect(type, out, included, keep), () -> out.size() >= wanted);
        return Optional.of(out.size() > wanted ? out.subList(0, wanted) : out);
    }

    /** Whether the list is in the comparator's order: a server that ignored {@code _sort} shows here. */
    static <T> boolean isSorted(List<T> list, Comparator<? super T> order) {
        for (int i = 1; i < list.size(); i++) {
            if (order.compare(list.get(i - 1), list.get(i)) > 0) {
                return false;
            }
        }
        return true;
    }

    /** Remembers that this EMR refused or ignored a feature (named like {@code Type?_param=value}). */
    void rememberUnsupported(String feature, String why) {
        unsupported.remember(feature, new EmrException(why));
    }

    boolean isUnsupported(String feature) {
        return unsupported.has(feature);
    }

    /**
     * A search by URL relative to the base (an operation such as {@code Observation/$lastn}), with all its pages.
     * Empty when the EMR refuses it (remembered under {@code feature}) or answered with another patient's resources:
     * the caller asks another way.
     */
    <T extends Resource> Optional<List<T>> searchByUrl(Class<T> type, String feature, String url, String patientId) {
        String op = "search " + feature;
        Bundle first = withFeature(
                        feature,
                        () -> guard.read(
                                op,
                                () -> client.search()
                                        .byUrl(settings.baseUrl() + "/" + url)
                                        .returnBundle(Bundle.class)
                                        .execute()))
                .orElse(null);
        if (first == null) {
            return Optional.empty();
        }
        List<T> out = new ArrayList<>();
        int dropped = forEachEntry(first, op, patientId, collect(type, out, null, r -> true), () -> false);
        // an operation that answered for other patients too (its patient filter failed) picked its "latest" among
        // theirs: what is left of the patient's is incomplete, so the caller asks the long way
        return dropped > 0 ? Optional.empty() : Optional.of(out);
    }

    /**
     * Runs the reads at once, each on its own virtual thread, and returns their results in order once all are done. A
     * failure is thrown as the reads would have thrown it one after another: the first failing read of the list wins.
     * None is abandoned on another's failure (they end within the guard's timeouts, and nothing is left running or
     * half-sent behind the caller); all are when the caller's thread is interrupted. Each read goes through the guard
     * (retry, breaker, timeouts) on its own.
     */
    List<Object> all(List<Supplier<?>> reads) {
        List<Future<?>> futures = new ArrayList<>(reads.size());
        List<List<Runnable>> drops = new ArrayList<>(reads.size());
        for (Supplier<?> read : reads) {
            List<Runnable> mine = new CopyOnWriteArrayList<>();
            drops.add(mine);
            futures.add(parallel.submit(() -> {
                deferredDrops.set(mine);
                try {
                    return read.get();
                } finally {
                    deferredDrops.remove();
                }
            }));
        }
        List<Object> results = new ArrayList<>(reads.size());
        RuntimeException failure = null;
        try {
            for (Future<?> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    results.add(null);
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException r
                                ? r
                                : new IllegalStateException(e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            // the call was abandoned: interrupting the reads closes their sockets
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new CancellationException("EMR reads abandoned");
        } finally {
            // reads within a read (all() nested) pass theirs on to the outer caller's thread
            List<Runnable> outer = deferredDrops.get();
            drops.forEach(list -> list.forEach(outer != null ? outer::add : Runnable::run));
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    private static <T extends Resource> Consumer<Bundle.BundleEntryComponent> collect(
            Class<T> type, List<T> out, Map<String, Resource> included, Predicate<T> keep) {
        return e -> {
            Resource r = e.getResource();
            boolean isInclude = e.hasSearch() && e.getSearch().getMode() == Bundle.SearchEntryMode.INCLUDE;
            if (type.isInstance(r) && !isInclude) {
                T t = type.cast(r);
                if (keep.test(t)) {
                    out.add(t);
                }
            } else if (included != null) {
                included.put(r.fhirType() + "/" + r.getIdElement().getIdPart(), r);
            }
        };
    }

    /**
     * The first page, with the include unless this EMR refused it before: an EMR that does not support an _include
     * answers 400, and asking it again on every search would cost every search a second request. The elements (none:
     * whole resources) are asked only without the include.
     */
    private Bundle firstPageOrWithoutInclude(
            String op,
            Class<? extends Resource> type,
            String patientId,
            List<ICriterion<?>> extra,
            Include include,
            String sortParam,
            int count,
            List<String> elements) {
        Optional<Bundle> included = include == null
                ? Optional.empty()
                : withFeature(
                        type.getSimpleName() + "?_include=" + include.getValue(),
                        () -> firstPage(
                                op, q -> q.forResource(type), patientId, extra, include, sortParam, count, List.of()));
        // without: the callers resolve the rest
        return included.orElseGet(() -> firstPageOfElements(op, type, patientId, extra, sortParam, count, elements));
    }

    /** The first page with only the elements (none: whole resources), or whole when this EMR refused _elements. */
    private Bundle firstPageOfElements(
            String op,
            Class<? extends Resource> type,
            String patientId,
            List<ICriterion<?>> extra,
            String sortParam,
            int count,
            List<String> elements) {
        Optional<Bundle> subset = elements.isEmpty()
                ? Optional.empty()
                : withFeature(
                        type.getSimpleName() + "?_elements",
                        () -> firstPage(
                                op, q -> q.forResource(type), patientId, extra, null, sortParam, count, elements));
        return subset.orElseGet(
                () -> firstPage(op, q -> q.forResource(type), patientId, extra, null, sortParam, count, List.of()));
    }

    /** The patient's resources of a type known only by name, to the last page. */
    List<Resource> searchAll(String type, String patientId) {
        String op = "search " + type;
        List<Resource> out = new ArrayList<>();
        forEachEntry(
                firstPage(op, q -> q.forResource(type), patientId, List.of(), null, null, 0, List.of()),
                op,
                patientId,
                e -> {
                    if (type.equals(e.getResource().fhirType())) {
                        out.add(e.getResource());
                    }
                },
                () -> false);
        return out;
    }

    private Bundle firstPage(
            String op,
            Function<IUntypedQuery<IBaseBundle>, IQuery<IBaseBundle>> resource,
            String patientId,
            List<ICriterion<?>> extra,
            Include include,
            String sortDescending,
            int count,
            List<String> elements) {
        return guard.read(op, () -> {
            IQuery<IBaseBundle> query = resource.apply(client.search());
            if (patientId != null) {
                query = query.where(new ReferenceClientParam("patient").hasId(patientId));
            }
            for (ICriterion<?> criterion : extra) {
                query = query.and(criterion);
            }
            if (include != null) {
                query = query.include(include);
            }
            if (sortDescending != null) {
                query = query.sort().descending(sortDescending);
            }
            if (!elements.isEmpty()) {
                query = query.elementsSubset(elements.toArray(String[]::new));
            }
            return query.count(count > 0 ? count : settings.searchPageSize())
                    .returnBundle(Bundle.class)
                    .execute();
        });
    }

    /**
     * Visits every entry with a resource that belongs to the patient (when the search was for one), following the
     * Bundle's next links to the end or until {@code enough}. Entries of another patient are dropped here and reported
     * to the listener.
     */
    private int forEachEntry(
            Bundle first,
            String op,
            String patientId,
            Consumer<Bundle.BundleEntryComponent> visit,
            BooleanSupplier enough) {
        Map<String, Integer> dropped = new TreeMap<>();
        Bundle page = first;
        for (int n = 0; page != null && n < MAX_PAGES; n++) {
            for (Bundle.BundleEntryComponent e : page.getEntry()) {
                Resource r = e.getResource();
                if (r == null) {
                    continue;
                }
                if (patientId != null && !compartment.admits(r, patientId)) {
                    dropped.merge(r.fhirType(), 1, Integer::sum);
                } else {
                    visit.accept(e);
                }
            }
            page = enough.getAsBoolean() ? null : nextPage(page, op);
        }
        dropped.forEach((type, count) -> reportDropped(patientId, type, count));
        return dropped.values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * Tells the listener, on the caller's own thread when the search ran as one of {@link #all}'s reads: the listener
     * may need what the caller's thread carries (records-service audits the drop with the call's context).
     */
    private void reportDropped(String patientId, String type, int count) {
        List<Runnable> later = deferredDrops.get();
        if (later != null) {
            later.add(() -> foreign.dropped(patientId, type, count));
        } else {
            foreign.dropped(patientId, type, count);
        }
    }

    private Bundle nextPage(Bundle page, String op) {
        if (page.getLink(Bundle.LINK_NEXT) == null || page.getEntry().isEmpty()) {
            return null;
        }
        return guard.read(
                op + " (next page)", () -> client.loadPage().next(page).execute());
    }

    /**
     * What this EMR refused (400 and the like) or was seen to ignore, remembered for a while so that every later call
     * asks the way that works instead of paying a refused request first; forgotten after the memory so that an upgraded
     * EMR is used fully again without a restart.
     */
    private static final class Unsupported {

        private static final Logger log = LoggerFactory.getLogger(FhirAccess.class);

        private final Duration memory;
        private final Map<String, Long> until = new ConcurrentHashMap<>();

        Unsupported(Duration memory) {
            this.memory = memory;
        }

        boolean has(String feature) {
            Long end = until.get(feature);
            if (end == null) {
                return false;
            }
            if (System.nanoTime() - end >= 0) {
                until.remove(feature, end);
                return false;
            }
            return true;
        }

        void remember(String feature, EmrException why) {
            if (memory.isZero() || memory.isNegative()) {
                return;
            }
            if (until.put(feature, System.nanoTime() + memory.toNanos()) == null) {
                log.info("The EMR does not support {} ({}); not asked again for {}", feature, why.getMessage(), memory);
            }
        }
    }
}
