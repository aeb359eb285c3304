package health.portal.records.access;

import health.portal.platform.security.Caller;
import health.portal.proto.events.v1.ActorType;

/** Who may call an rpc for the patient named in the request. */
public enum AccessRule {

    /** A patient for their own record, a clinician for anyone, a service for the patient it names. */
    READ {
        @Override
        public boolean allows(Caller c, String patientId) {
            return ownRecord(c, patientId) || clinician(c) || c.actorType() == ActorType.SERVICE;
        }
    },
    /**
     * The whole record in bulk (ONC 170.315(e)(1)): the patient's own right, or a clinician acting for them; services
     * only ever need single views.
     */
    EXPORT {
        @Override
        public boolean allows(Caller c, String patientId) {
            return ownRecord(c, patientId) || clinician(c);
        }
    },
    /**
     * Services only (messaging-service files messages; identity-service verifies patients at enrollment). A patient
     * must not write the record directly, nor probe which ids exist.
     */
    SERVICE_ONLY {
        @Override
        public boolean allows(Caller c, String patientId) {
            return c.actorType() == ActorType.SERVICE;
        }
    };

    public abstract boolean allows(Caller caller, String patientId);

    /** Staff read records only as clinicians; the front desk and the privacy officer do other work. */
    static boolean clinician(Caller c) {
        return c.actorType() == ActorType.STAFF && c.roles().contains(Caller.ROLE_CLINICIAN);
    }

    static boolean ownRecord(Caller c, String patientId) {
        return c.actorType() == ActorType.PATIENT
                && !c.patientId().isEmpty()
                && c.patientId().equals(patientId);
    }
}
