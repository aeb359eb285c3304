package health.portal.platform.security.terms;

import health.portal.platform.security.Caller;
import health.portal.proto.events.v1.ActorType;

/**
 * The one rule of the portal's terms of use: a patient gets their data only with the current version in their token
 * (claim {@code terms_version}, which identity-service sets once the acceptance is recorded). Staff and services are
 * not patients and are not subject to it. Not knowing the current version is no permission: the patient is refused
 * as unavailable until it is known.
 */
public final class TermsRule {

    /** Problem type slug of the refusal (gateway, identity-service). */
    public static final String PROBLEM = "terms-acceptance-required";
    /** Problem extension member naming the version to accept. */
    public static final String CURRENT_VERSION = "currentVersion";
    /** Problem extension member: where to accept. */
    public static final String ACCEPT_AT = "acceptAt";
    /** Where a patient reads and accepts the terms (through the gateway). */
    public static final String TERMS_PATH = "/api/terms/current";

    public static final String ACCEPTANCE_PATH = "/api/me/terms-acceptance";
    public static final String TITLE = "Terms acceptance required";
    /** gRPC trailer (ASCII) of records-service's FAILED_PRECONDITION: the version to accept, for the gateway. */
    public static final String GRPC_VERSION_TRAILER = "x-terms-current-version";

    public enum Outcome {
        /** Not a patient, or the patient accepted the current version. */
        PASSES,
        /** A patient without the current version: refused, naming it. */
        ACCEPTANCE_REQUIRED,
        /** A patient, and the current version is not known yet: refused as unavailable. */
        CURRENT_VERSION_UNKNOWN
    }

    /** @param currentVersion the version to accept; null unless {@link Outcome#ACCEPTANCE_REQUIRED} */
    public record Verdict(Outcome outcome, String currentVersion) {

        public boolean passes() {
            return outcome == Outcome.PASSES;
        }
    }

    private TermsRule() {}

    public static Verdict check(Caller caller, CurrentTerms current) {
        if (caller.actorType() != ActorType.PATIENT) {
            return new Verdict(Outcome.PASSES, null);
        }
        String version = current.version().orElse(null);
        if (version == null) {
            return new Verdict(Outcome.CURRENT_VERSION_UNKNOWN, null);
        }
        return version.equals(caller.termsVersion())
                ? new Verdict(Outcome.PASSES, null)
                : new Verdict(Outcome.ACCEPTANCE_REQUIRED, version);
    }

    /** What a refused patient is told, in the problem's detail and the gRPC status description. */
    public static String detail(String currentVersion) {
        return "Accept version " + currentVersion + " of the terms of use first: read it at GET " + TERMS_PATH
                + ", accept it with POST " + ACCEPTANCE_PATH + " {\"version\": \"" + currentVersion + "\"}."
                + " The browser portal carries on by itself; an app refreshes its access token after accepting.";
    }
}
