package health.portal.records.api;

import health.portal.emr.adapter.EmrException;
import health.portal.emr.adapter.EmrInvalidDataException;
import health.portal.emr.adapter.EmrUnavailableException;
import health.portal.emr.adapter.UnknownPatientException;
import health.portal.platform.security.Caller;
import health.portal.platform.security.terms.CurrentTerms;
import health.portal.platform.security.terms.TermsRule;
import health.portal.proto.FhirIds;
import health.portal.proto.events.v1.ActorType;
import health.portal.proto.events.v1.Outcome;
import health.portal.records.access.AccessGrants;
import health.portal.records.access.AccessRule;
import health.portal.records.access.PurposeOfUse;
import health.portal.records.access.RequestContext;
import health.portal.records.audit.AuditTrail;
import health.portal.records.audit.AuditUnavailableException;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The one path every rpc takes: authenticate, validate the patient id, authorize, do the EMR work within the call's
 * deadline, audit, answer. Every outcome, refusals included, is audited. Status descriptions name the problem,
 * never health data.
 */
@Component
public class GuardedCall {

    private static final Logger log = LoggerFactory.getLogger(GuardedCall.class);
    private static final long DEADLINE_SKEW_MILLIS = 100;
    /** Trailer of a FAILED_PRECONDITION for missing terms acceptance: the version to accept, for the gateway. */
    public static final Metadata.Key<String> TERMS_VERSION_TRAILER =
            Metadata.Key.of(TermsRule.GRPC_VERSION_TRAILER, Metadata.ASCII_STRING_MARSHALLER);

    private final AuditTrail audit;
    private final AccessGrants grants;
    private final CurrentTerms currentTerms;
    // virtual threads: interrupting one that waits on a socket closes the socket, so an abandoned call frees its
    // connection to the EMR at once instead of waiting out the read timeout
    private final ExecutorService emrWork = Executors.newVirtualThreadPerTaskExecutor();

    public GuardedCall(AuditTrail audit, AccessGrants grants, CurrentTerms currentTerms) {
        this.audit = audit;
        this.grants = grants;
        this.currentTerms = currentTerms;
    }

    @PreDestroy
    void stop() {
        emrWork.shutdownNow();
    }

    /**
     * Runs {@code work} for the patient if the caller may, and returns its result only after the access was audited.
     *
     * @throws StatusRuntimeException with the status to answer
     */
    public <T> T run(String rpc, String resource, String patientId, AccessRule rule, Callable<T> work) {
        String action = "records." + rpc;
        Caller caller = RequestContext.current().caller();
        String auditedId = FhirIds.isValid(patientId) ? patientId : "";
        if (!caller.authenticated()) {
            auditRefusal(action, resource, auditedId, Outcome.DENIED, Status.Code.UNAUTHENTICATED);
            throw Status.UNAUTHENTICATED
                    .withDescription("A valid bearer token is required")
                    .asRuntimeException();
        }
        if (!FhirIds.isValid(patientId)) {
            auditRefusal(action, resource, "", Outcome.FAILED, Status.Code.INVALID_ARGUMENT);
            throw Status.INVALID_ARGUMENT
                    .withDescription("patient_id is missing or not a valid id")
                    .asRuntimeException();
        }
        if (!rule.allows(caller, patientId)
                || (caller.actorType() == ActorType.SERVICE && !grants.serviceMayCall(caller, rpc))) {
            auditRefusal(action, resource, patientId, Outcome.DENIED, Status.Code.PERMISSION_DENIED);
            throw Status.PERMISSION_DENIED
                    .withDescription("Not allowed for this patient")
                    .asRuntimeException();
        }
        requireCurrentTerms(caller, action, resource, patientId);
        Optional<PurposeOfUse> purpose = RequestContext.current().purposeOfUse();
        if (caller.actorType() == ActorType.STAFF && purpose.isEmpty()) {
            auditRefusal(action, resource, patientId, Outcome.DENIED, Status.Code.INVALID_ARGUMENT);
            throw Status.INVALID_ARGUMENT
                    .withDescription("Staff state why they open the record: metadata x-purpose-of-use, one of "
                            + Arrays.toString(PurposeOfUse.values()))
                    .asRuntimeException();
        }
        T result;
        try {
            result = withinDeadline(work);
        } catch (StatusRuntimeException e) {
            auditRefusal(
                    action, resource, patientId, Outcome.FAILED, e.getStatus().getCode());
            throw e;
        }
        try {
            audit.record(
                    action,
                    resource,
                    patientId,
                    Outcome.SUCCESS,
                    purpose.map(p -> "OK; purpose " + p.name() + " (" + p.display() + ")")
                            .orElse("OK"));
        } catch (AuditUnavailableException e) {
            // fail closed: without an audit record the data is not handed out
            throw Status.UNAVAILABLE
                    .withDescription("Audit trail unavailable; access refused")
                    .asRuntimeException();
        }
        return result;
    }

    /**
     * A patient reads their record only with the current terms accepted (their token's {@code terms_version}); while
     * the current version is not known, patients are refused as unavailable. Staff and services are not patients.
     */
    private void requireCurrentTerms(Caller caller, String action, String resource, String patientId) {
        TermsRule.Verdict verdict = TermsRule.check(caller, currentTerms);
        switch (verdict.outcome()) {
            case PASSES -> {}
            case ACCEPTANCE_REQUIRED -> {
                auditRefusal(action, resource, patientId, Outcome.DENIED, Status.Code.FAILED_PRECONDITION);
                Metadata trailers = new Metadata();
                trailers.put(TERMS_VERSION_TRAILER, verdict.currentVersion());
                throw Status.FAILED_PRECONDITION
                        .withDescription(TermsRule.detail(verdict.currentVersion()))
                        .asRuntimeException(trailers);
            }
            case CURRENT_VERSION_UNKNOWN -> {
                auditRefusal(action, resource, patientId, Outcome.FAILED, Status.Code.UNAVAILABLE);
                throw Status.UNAVAILABLE
                        .withDescription("The current terms of use are not known yet; patient data is refused until"
                                + " they are")
                        .asRuntimeException();
            }
        }
    }

    private <T> T withinDeadline(Callable<T> work) {
        Context grpc = Context.current();
        if (grpc.isCancelled()) {
            throw cancelled(grpc);
        }
        Future<T> future = emrWork.submit(grpc.wrap(work));
        Context.CancellationListener abandon = c -> future.cancel(true);
        grpc.addListener(abandon, Runnable::run);
        try {
            return future.get();
        } catch (CancellationException e) {
            throw cancelled(grpc);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw Status.CANCELLED.withDescription("Interrupted").asRuntimeException();
        } catch (ExecutionException e) {
            throw toStatus(e.getCause());
        } finally {
            grpc.removeListener(abandon);
        }
    }

    private static StatusRuntimeException cancelled(Context grpc) {
        Status status = Contexts.statusFromCancelled(grpc);
        // a client whose deadline passed cancels the stream; that can reach us a few milliseconds before our own
        // copy of the same deadline (counted from when the request arrived) expires: it is still the deadline
        Deadline deadline = grpc.getDeadline();
        if (deadline != null && deadline.timeRemaining(TimeUnit.MILLISECONDS) < DEADLINE_SKEW_MILLIS) {
            status = Status.DEADLINE_EXCEEDED;
        }
        return (status != null ? status : Status.CANCELLED)
                .withDescription("Call abandoned")
                .asRuntimeException();
    }

    static StatusRuntimeException toStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException s) {
            return s;
        }
        if (failure instanceof UnknownPatientException) {
            return Status.NOT_FOUND.withDescription("No such patient").asRuntimeException();
        }
        if (failure instanceof EmrUnavailableException e) {
            return Status.UNAVAILABLE
                    .withDescription(
                            e.circuitOpen()
                                    ? "EMR unavailable (recent calls failed; retry later)"
                                    : "EMR unavailable or too slow")
                    .asRuntimeException();
        }
        if (failure instanceof EmrInvalidDataException e) {
            log.warn("{}", e.getMessage()); // operation only, never the body
            return Status.INTERNAL
                    .withDescription("The EMR answered data that is not valid FHIR")
                    .asRuntimeException();
        }
        if (failure instanceof EmrException e) {
            log.warn("EMR refused a request: {}", e.getMessage()); // operation and HTTP status only
            return Status.INTERNAL
                    .withDescription("The EMR refused the request")
                    .asRuntimeException();
        }
        if (failure instanceof IllegalArgumentException e) {
            return Status.INVALID_ARGUMENT
                    .withDescription(e.getMessage())
                    .asRuntimeException(); // our own field messages
        }
        log.error("Unexpected failure in a records call: {}", failure.getClass().getName(), failure);
        return Status.INTERNAL.withDescription("Unexpected error").asRuntimeException();
    }

    private void auditRefusal(String action, String resource, String patientId, Outcome outcome, Status.Code code) {
        try {
            audit.record(action, resource, patientId, outcome, code.name());
        } catch (AuditUnavailableException e) {
            // the call is refused or failed anyway; the missing record is logged by the audit trail
        }
    }
}
