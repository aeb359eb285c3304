package health.portal.emr.sandbox;

import ca.uhn.fhir.context.FhirContext;
import health.portal.emr.sandbox.admin.Availability;
import health.portal.emr.sandbox.admin.AvailabilityServlet;
import health.portal.emr.sandbox.faults.FaultAdminServlet;
import health.portal.emr.sandbox.faults.FaultFilter;
import health.portal.emr.sandbox.faults.Faults;
import health.portal.emr.sandbox.fhir.SandboxFhirServer;
import health.portal.emr.sandbox.requests.RequestLog;
import health.portal.emr.sandbox.requests.RequestLogFilter;
import health.portal.emr.sandbox.seed.DemoPatients;
import health.portal.emr.sandbox.seed.SyntheaData;
import health.portal.emr.sandbox.seed.SyntheaLoader;
import health.portal.emr.sandbox.store.FhirStore;
import health.portal.emr.sandbox.web.HealthServlet;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The EMR sandbox: an in-memory FHIR R4 server (HAPI plain server on embedded Tomcat) seeded with Synthea and
 * demo patients. Embed it in tests:
 *
 * <pre>{@code
 * try (EmrSandbox emr = EmrSandbox.start(EmrSandbox.Options.defaults())) {
 *     IGenericClient client = fhirContext.newRestfulGenericClient(emr.fhirBaseUrl());
 *     emr.faults().failNext(2);
 * }
 * }</pre>
 */
public final class EmrSandbox implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmrSandbox.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** Generated sets larger than this are derived by cloning a base set of {@link #BENCHMARK_BASE_PATIENTS}. */
    static final int LARGEST_GENERATED_SET = 300;

    static final int BENCHMARK_BASE_PATIENTS = 250;
    static final int BENCHMARK_YEARS_OF_HISTORY = 3;

    private final Tomcat tomcat;
    private final Path baseDir;
    private final FhirStore store;
    private final Faults faults;
    private final Availability availability;
    private final RequestLog requests;
    private final int port;
    private final String host;

    private EmrSandbox(
            Tomcat tomcat,
            Path baseDir,
            FhirStore store,
            Faults faults,
            Availability availability,
            RequestLog requests,
            int port,
            String host) {
        this.tomcat = tomcat;
        this.baseDir = baseDir;
        this.store = store;
        this.faults = faults;
        this.availability = availability;
        this.requests = requests;
        this.port = port;
        this.host = host;
    }

    /** Loads the data, then starts listening; returns once the sandbox answers. */
    public static EmrSandbox start(Options options) {
        long started = System.nanoTime();
        FhirStore store = new FhirStore(FhirContext.forR4Cached());
        int demo = options.includeDemoPatients ? DemoPatients.load(store) : 0;
        int generated = 0;
        if (options.syntheaPatients > 0) {
            SyntheaData.Key key = options.syntheaKey();
            SyntheaLoader loader = new SyntheaLoader(store);
            generated = loader.load(SyntheaData.bundles(key, EmrSandbox.class.getClassLoader()));
            store.cloneFamilies(options.syntheaPatients - generated);
        }
        Faults faults = new Faults();
        Path baseDir;
        try {
            baseDir = Files.createTempDirectory("emr-sandbox-tomcat-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.getEngine().setName("emr-sandbox-" + INSTANCES.incrementAndGet());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(options.port);
        connector.setProperty("address", options.bindAddress);
        connector.setThrowOnFailure(true);
        tomcat.setConnector(connector);

        Context context = tomcat.addContext("", baseDir.toString());
        Wrapper fhir = Tomcat.addServlet(context, "fhir", new SandboxFhirServer(store));
        fhir.setLoadOnStartup(1);
        context.addServletMappingDecoded("/fhir/*", "fhir");
        Tomcat.addServlet(context, "health", new HealthServlet());
        context.addServletMappingDecoded("/actuator/health", "health");
        Tomcat.addServlet(context, "faults", new FaultAdminServlet(faults));
        context.addServletMappingDecoded("/admin/faults", "faults");
        Availability availability = new Availability(store);
        Tomcat.addServlet(context, "availability", new AvailabilityServlet(availability));
        context.addServletMappingDecoded("/admin/availability", "availability");
        RequestLog requests = new RequestLog();
        FilterDef logDef = new FilterDef();
        logDef.setFilterName("requests");
        logDef.setFilter(new RequestLogFilter(requests));
        context.addFilterDef(logDef);
        FilterMap logMap = new FilterMap();
        logMap.setFilterName("requests");
        logMap.addURLPatternDecoded("/fhir/*");
        context.addFilterMap(logMap);
        FilterDef filterDef = new FilterDef();
        filterDef.setFilterName("faults");
        filterDef.setFilter(new FaultFilter(faults));
        context.addFilterDef(filterDef);
        FilterMap filterMap = new FilterMap();
        filterMap.setFilterName("faults");
        filterMap.addURLPatternDecoded("/fhir/*");
        context.addFilterMap(filterMap);
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            destroy(tomcat, baseDir);
            throw new IllegalStateException("EMR sandbox could not start on port " + options.port, e);
        }
        String host = options.bindAddress.equals("0.0.0.0") || options.bindAddress.equals("127.0.0.1")
                ? "localhost"
                : options.bindAddress;
        EmrSandbox sandbox =
                new EmrSandbox(tomcat, baseDir, store, faults, availability, requests, connector.getLocalPort(), host);
        log.info(
                "EMR sandbox ready at {}: {} patients ({} Synthea, {} cloned, {} demo), {} resources ({} stored), "
                        + "started in {} ms",
                sandbox.fhirBaseUrl(),
                store.patientCount(),
                generated,
                Math.max(0, options.syntheaPatients - generated),
                demo,
                store.resourceCount(),
                store.storedResourceCount(),
                (System.nanoTime() - started) / 1_000_000);
        return sandbox;
    }

    /** For example {@code http://localhost:41234/fhir}. */
    public String fhirBaseUrl() {
        return "http://" + host + ":" + port + "/fhir";
    }

    public int port() {
        return port;
    }

    /**
     * Records a resource as the EMR's own users would (a result released, a document, a new appointment), for the
     * callers' tests; keeps its id, meta.versionId and meta.lastUpdated, or sets version 1 and now.
     */
    public void record(org.hl7.fhir.r4.model.Resource resource) {
        store.put(resource, null);
    }

    /** Fault switches for the callers' tests. */
    public Faults faults() {
        return faults;
    }

    /** The FHIR requests answered so far (faults and /fhir/metadata included), for callers' tests. */
    public RequestLog requests() {
        return requests;
    }

    /** Out-of-office windows of practitioners, for callers' routing tests ({@code /admin/availability} too). */
    public Availability availability() {
        return availability;
    }

    /** Number of patients served, clones included. */
    public int patientCount() {
        return store.patientCount();
    }

    /** Number of resources served, clones included. */
    public long resourceCount() {
        return store.resourceCount();
    }

    @Override
    public void close() {
        destroy(tomcat, baseDir);
    }

    private static void destroy(Tomcat tomcat, Path baseDir) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            log.warn("EMR sandbox did not stop cleanly: {}", e.toString());
        }
        try {
            SyntheaData.deleteTree(baseDir);
        } catch (IOException e) {
            log.debug("could not delete {}: {}", baseDir, e.toString());
        }
    }

    /** How to start a sandbox. Immutable; every setter returns a changed copy. */
    public static final class Options {
        private int port;
        private String bindAddress = "127.0.0.1";
        private int syntheaPatients = 10;
        private boolean includeDemoPatients = true;
        private long seed = 42;
        private Integer yearsOfHistory;
        private Integer syntheaBasePatients;

        private Options() {}

        /** Free port on 127.0.0.1, 10 Synthea patients (packaged, no generation), demo patients included. */
        public static Options defaults() {
            return new Options();
        }

        private Options copy() {
            Options o = new Options();
            o.port = port;
            o.bindAddress = bindAddress;
            o.syntheaPatients = syntheaPatients;
            o.includeDemoPatients = includeDemoPatients;
            o.seed = seed;
            o.yearsOfHistory = yearsOfHistory;
            o.syntheaBasePatients = syntheaBasePatients;
            return o;
        }

        /** 0 picks a free port. */
        public Options port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535");
            }
            Options o = copy();
            o.port = port;
            return o;
        }

        public Options bindAddress(String bindAddress) {
            Options o = copy();
            o.bindAddress = bindAddress;
            return o;
        }

        /**
         * Number of Synthea patients. Up to 300 are generated as such (10 ship in the jar, other counts are
         * generated once and cached); larger counts clone a base of 250 generated patients under new ids.
         */
        public Options syntheaPatients(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("syntheaPatients must not be negative");
            }
            Options o = copy();
            o.syntheaPatients = count;
            return o;
        }

        public Options includeDemoPatients(boolean include) {
            Options o = copy();
            o.includeDemoPatients = include;
            return o;
        }

        /** Synthea's seed (default 42): the same seed gives the same patients. */
        public Options seed(long seed) {
            Options o = copy();
            o.seed = seed;
            return o;
        }

        /** Years of history Synthea exports (default 5, or 3 for cloned benchmark sets). */
        public Options yearsOfHistory(int years) {
            Options o = copy();
            o.yearsOfHistory = years;
            return o;
        }

        /** Number of generated patients that clones are derived from (default: all of them up to 300, else 250). */
        public Options syntheaBasePatients(int count) {
            Options o = copy();
            o.syntheaBasePatients = count;
            return o;
        }

        SyntheaData.Key syntheaKey() {
            int base = syntheaBasePatients != null
                    ? syntheaBasePatients
                    : syntheaPatients <= LARGEST_GENERATED_SET ? syntheaPatients : BENCHMARK_BASE_PATIENTS;
            if (base < 1 || base > syntheaPatients) {
                throw new IllegalArgumentException("syntheaBasePatients must be 1.." + syntheaPatients);
            }
            int years = yearsOfHistory != null
                    ? yearsOfHistory
                    : syntheaBasePatients == null && syntheaPatients > LARGEST_GENERATED_SET
                            ? BENCHMARK_YEARS_OF_HISTORY
                            : 5;
            return new SyntheaData.Key(seed, base, years);
        }

        @Override
        public String toString() {
            return "Options[port=" + port + ", bindAddress=" + bindAddress + ", syntheaPatients=" + syntheaPatients
                    + ", includeDemoPatients=" + includeDemoPatients + ", seed=" + seed + "]";
        }
    }
}
