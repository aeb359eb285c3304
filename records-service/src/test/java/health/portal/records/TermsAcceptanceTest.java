package health.portal.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import health.portal.proto.events.v1.ActorType;
import health.portal.proto.events.v1.Outcome;
import health.portal.proto.records.v1.PatientRequest;
import health.portal.records.api.GuardedCall;
import health.portal.testsupport.TestTokens;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

/**
 * A patient reads their own record only with the current terms of use accepted (the token's {@code terms_version},
 * against the version identity-service published on the topic); the refusal names the version, and is audited.
 * Staff and services are not patients and are not subject to it.
 */
class TermsAcceptanceTest extends GrpcTestBase {

    private static final PatientRequest ALEX =
            PatientRequest.newBuilder().setPatientId("demo-alex").build();

    @Test
    void aPatientWithTheCurrentTermsReadsTheirRecord() {
        assertThat(stub(tokens.patient("demo-alex"), newCorrelationId())
                        .getPatientProfile(ALEX)
                        .getFamilyName())
                .isNotBlank();
    }

    @Test
    void aPatientWithoutTheCurrentTermsIsToldWhichVersionToAccept() {
        for (String accepted : new String[] {null, "test-terms-0"}) {
            String correlationId = newCorrelationId();
            StatusRuntimeException refused = catchThrowableOfType(
                    StatusRuntimeException.class,
                    () -> stub(tokens.patient("demo-alex", accepted), correlationId)
                            .getPatientProfile(ALEX));
            assertThat(refused).as("accepted " + accepted).isNotNull();
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(refused.getStatus().getDescription())
                    .contains(TestTokens.TERMS_VERSION)
                    .contains("/api/me/terms-acceptance");
            assertThat(refused.getTrailers().get(GuardedCall.TERMS_VERSION_TRAILER))
                    .isEqualTo(TestTokens.TERMS_VERSION);

            AuditLog.Entry audited = audit().awaitOne(correlationId);
            assertThat(audited.event().getActorType()).isEqualTo(ActorType.PATIENT);
            assertThat(audited.event().getPatientId()).isEqualTo("demo-alex");
            assertThat(audited.event().getOutcome()).isEqualTo(Outcome.DENIED);
            assertThat(audited.event().getDetail()).isEqualTo("FAILED_PRECONDITION");
        }
    }

    @Test
    void staffAndServicesAreNotSubjectToThePatientsTerms() {
        assertThat(staffStub(newCorrelationId()).getPatientProfile(ALEX).getFamilyName())
                .isNotBlank();
        assertThat(stub(tokens.service(), newCorrelationId())
                        .getPatientProfile(ALEX)
                        .getFamilyName())
                .isNotBlank();
    }
}
