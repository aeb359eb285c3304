package health.portal.records;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.proto.records.v1.PatientRequest;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.Test;

/**
 * The address and device in a patient's access log are the end user's only when the gateway vouches for them with
 * its own token; anyone else's x-forwarded-for is ignored, so a caller cannot put an address of its choosing into the
 * log.
 */
class ForwardedClientTest extends GrpcTestBase {

    static final Metadata.Key<String> FORWARDER =
            Metadata.Key.of("x-portal-forwarder", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> FORWARDED_FOR =
            Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> FORWARDED_USER_AGENT =
            Metadata.Key.of("x-forwarded-user-agent", Metadata.ASCII_STRING_MARSHALLER);

    @Test
    void theGatewaysWordGivesTheEndUsersAddressAndDevice() {
        AuditLog.Entry entry = readProfile(tokens.client("portal-web"));

        assertThat(entry.event().getClientIp()).isEqualTo("203.0.113.7");
        assertThat(entry.event().getUserAgent()).isEqualTo("PortalPhone/3.1 (iOS 19)");
    }

    @Test
    void aForwarderTokenOfAnotherClientIsIgnored() {
        AuditLog.Entry entry = readProfile(tokens.client("portal-mobile"));

        assertThat(entry.event().getClientIp()).isEqualTo("127.0.0.1");
        assertThat(entry.event().getUserAgent()).doesNotContain("PortalPhone").startsWith("grpc-java");
    }

    @Test
    void aForgedForwarderTokenIsIgnored() {
        AuditLog.Entry entry = readProfile(tokens.forged("demo-alex"));

        assertThat(entry.event().getClientIp()).isEqualTo("127.0.0.1");
    }

    @Test
    void aPatientsOwnForwardedForIsIgnored() {
        AuditLog.Entry entry = readProfile(null);

        assertThat(entry.event().getClientIp()).isEqualTo("127.0.0.1");
        assertThat(entry.event().getUserAgent()).doesNotContain("PortalPhone");
    }

    /** Alex reads their profile, the call claiming address 203.0.113.7 and a phone app, vouched for by forwarder. */
    private AuditLog.Entry readProfile(String forwarderToken) {
        String correlationId = newCorrelationId();
        Metadata claimed = new Metadata();
        claimed.put(FORWARDED_FOR, "203.0.113.7, 10.0.0.1");
        claimed.put(FORWARDED_USER_AGENT, "PortalPhone/3.1 (iOS 19)");
        if (forwarderToken != null) {
            claimed.put(FORWARDER, "Bearer " + forwarderToken);
        }
        stub(tokens.patient("demo-alex"), correlationId)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(claimed))
                .getPatientProfile(
                        PatientRequest.newBuilder().setPatientId("demo-alex").build());
        return audit().awaitOne(correlationId);
    }
}
