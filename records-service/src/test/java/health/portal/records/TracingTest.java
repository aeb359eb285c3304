package health.portal.records;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.proto.records.v1.PatientRequest;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/** A call that arrives with the gateway's W3C trace context is served inside that same trace. */
class TracingTest extends GrpcTestBase {

    static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

    @Autowired
    InMemorySpanExporter capturedSpans;

    @Test
    void continuesTheCallersTrace() throws InterruptedException {
        String traceId = randomHex(16);
        Metadata trace = new Metadata();
        trace.put(TRACEPARENT, "00-" + traceId + "-" + randomHex(8) + "-01");

        staffStub(newCorrelationId())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(trace))
                .getPatientProfile(
                        PatientRequest.newBuilder().setPatientId("demo-alex").build());

        List<SpanData> serverSpans = List.of();
        for (int i = 0; i < 60 && serverSpans.isEmpty(); i++) {
            serverSpans = capturedSpans.getFinishedSpanItems().stream()
                    .filter(span -> span.getTraceId().equals(traceId) && span.getKind() == SpanKind.SERVER)
                    .toList();
            if (serverSpans.isEmpty()) {
                Thread.sleep(250);
            }
        }
        assertThat(serverSpans)
                .extracting(SpanData::getName)
                .anySatisfy(name -> assertThat(name).contains("GetPatientProfile"));
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
