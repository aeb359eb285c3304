package health.portal.emr.adapter;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.client.exceptions.FhirClientInappropriateForServerException;
import ca.uhn.fhir.rest.client.exceptions.InvalidResponseException;
import ca.uhn.fhir.rest.client.exceptions.NonFhirResponseException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Wraps every HTTP exchange with the EMR: translates HAPI's exceptions into the adapter's typed ones, retries reads
 * with exponential backoff, and keeps a circuit breaker so that an EMR outage fails fast instead of piling up
 * threads that wait for timeouts (one for patients' reads and writes, one per background use, see
 * {@link #withOwnCircuit}).
 */
public final class EmrGuard {

    private final EmrSettings settings;
    private final CircuitBreaker circuitBreaker;
    private final Retry readRetry;
    /**
     * One permit per connection of the HTTP pool ({@code maxConnections}), taken for each exchange: a summary asks six
     * reads at once, so at 50 summaries hundreds wait for a connection, and the pool's own wait wakes every waiter on
     * each released connection (in the benchmark's profile 8% of records-service's CPU went to that); a fair semaphore
     * wakes the one next in line. Each attempt holds one permit only while its request is out, never across a retry's
     * backoff or while waiting for other reads, so nested reads cannot starve each other.
     */
    private final Semaphore connections;

    private final Duration connectionWait;

    public EmrGuard(EmrSettings settings) {
        this(settings, new Semaphore(settings.maxConnections(), true), "emr");
    }

    private EmrGuard(EmrSettings settings, Semaphore connections, String name) {
        this.settings = settings;
        this.connections = connections;
        // as long as the pool itself waits for a connection (FhirAccess: the connection request timeout)
        this.connectionWait = settings.connectTimeout();
        CircuitBreakerConfig cbConfig = CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRateThreshold())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.slidingWindowSize())
                .minimumNumberOfCalls(settings.minimumCalls())
                .waitDurationInOpenState(settings.openStateWait())
                .permittedNumberOfCallsInHalfOpenState(2)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                // only an outage counts against the EMR; a 404 or a malformed answer is no reason to stop calling
                .recordException(e -> e instanceof EmrUnavailableException)
                .build();
        this.circuitBreaker = CircuitBreaker.of(name, cbConfig);
        RetryConfig retryConfig = RetryConfig.custom()
                .maxAttempts(settings.readAttempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.retryBackoff(), 2.0))
                .retryOnException(e -> e instanceof EmrUnavailableException u && !u.circuitOpen())
                .failAfterMaxAttempts(false)
                .build();
        this.readRetry = Retry.of(name + "-read", retryConfig);
    }

    /**
     * A guard of the same connections with a circuit of its own, for background work such as the change feed: its
     * searches across all patients are the EMR's heaviest and the first to time out under load, and they must not open
     * the circuit that patients' reads go through (nor an open one stop the feed from finding out the EMR is back).
     */
    EmrGuard withOwnCircuit(String name) {
        return new EmrGuard(settings, connections, name);
    }

    /** A read: safe to repeat, so retried on outage. */
    public <T> T read(String operation, Supplier<T> call) {
        return readRetry.executeSupplier(() -> once(operation, call));
    }

    /**
     * A write that the EMR deduplicates (conditional create on an idempotency identifier): repeating it files the
     * resource once, so it may be retried like a read.
     */
    public <T> T idempotentWrite(String operation, Supplier<T> call) {
        return read(operation, call);
    }

    /** A write that is not idempotent: one attempt only, a retry could file twice. */
    public <T> T write(String operation, Supplier<T> call) {
        return once(operation, call);
    }

    public CircuitBreaker.State circuitState() {
        return circuitBreaker.getState();
    }

    private <T> T once(String operation, Supplier<T> call) {
        awaitConnection(operation);
        try {
            return circuitBreaker.executeSupplier(() -> translate(operation, call));
        } catch (CallNotPermittedException e) {
            throw new EmrUnavailableException("EMR unavailable (circuit open) during " + operation, e, true);
        } finally {
            connections.release();
        }
    }

    /** Busy here is not the EMR's failure: it is not counted by the circuit breaker, and a read retries it. */
    private void awaitConnection(String operation) {
        try {
            if (!connections.tryAcquire(connectionWait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new EmrUnavailableException(
                        "No connection to the EMR free within " + connectionWait + " during " + operation, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmrUnavailableException("Abandoned waiting for a connection to the EMR during " + operation, e);
        }
    }

    private static <T> T translate(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (EmrException e) {
            throw e;
        } catch (NonFhirResponseException
                | InvalidResponseException
                | FhirClientInappropriateForServerException
                | DataFormatException
                | ClassCastException e) {
            throw new EmrInvalidDataException("EMR answered invalid FHIR during " + operation, e);
        } catch (FhirClientConnectionException e) {
            // HAPI reports an unparseable body as a connection problem (HAPI-1361) with the parser's error as cause
            if (causedBy(e, DataFormatException.class) || causedBy(e, ClassCastException.class)) {
                throw new EmrInvalidDataException("EMR answered invalid FHIR during " + operation, e);
            }
            throw new EmrUnavailableException("EMR unreachable or timed out during " + operation, e);
        } catch (BaseServerResponseException e) {
            int status = e.getStatusCode();
            if (status >= 500 || status == 429 || status == 408 || status == 401 || status == 403) {
                // 401/403 means our credentials were refused: from the portal's view the EMR is not usable
                throw new EmrUnavailableException("EMR answered HTTP " + status + " during " + operation, e);
            }
            throw new EmrException("EMR rejected " + operation + " with HTTP " + status, e);
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
