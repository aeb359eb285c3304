package health.portal.records.api;

import health.portal.emr.adapter.BundleExport;
import health.portal.proto.records.v1.ExportChunk;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes an opened (and audited) export to its call while the record is read from the EMR. The stream ends with OK
 * only after the Bundle's last byte; an EMR failure part way ends it with the failure's status, so that no caller
 * takes the bytes it received for a whole record.
 */
@Component
class RecordExports {

    private static final Logger log = LoggerFactory.getLogger(RecordExports.class);

    // off the rpc's thread: gRPC delivers the ready signal the writer waits for on that call's own executor
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();

    @PreDestroy
    void stop() {
        writers.shutdownNow();
    }

    /** Call on the rpc's thread, before it returns. */
    void stream(BundleExport export, ServerCallStreamObserver<ExportChunk> call) {
        ExportChunks chunks = new ExportChunks(call);
        writers.execute(Context.current().wrap(() -> {
            chunks.writtenBy(Thread.currentThread());
            write(export, chunks, call);
        }));
    }

    private static void write(BundleExport export, ExportChunks chunks, ServerCallStreamObserver<ExportChunk> call) {
        try {
            export.writeTo(chunks);
            chunks.finish();
            call.onCompleted();
        } catch (IOException | RuntimeException e) {
            if (chunks.cancelled()) {
                log.info("Record export abandoned by the caller"); // the call ended already: no one to tell
                return;
            }
            StatusRuntimeException status = e instanceof InterruptedIOException
                    ? Status.UNAVAILABLE
                            .withDescription("records-service is stopping")
                            .asRuntimeException()
                    : GuardedCall.toStatus(e);
            log.warn("Record export cut part way: {}", status.getStatus().getCode());
            call.onError(status);
        }
    }
}
