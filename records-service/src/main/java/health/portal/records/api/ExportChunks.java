package health.portal.records.api;

import com.google.protobuf.ByteString;
import health.portal.proto.records.v1.ExportChunk;
import io.grpc.stub.ServerCallStreamObserver;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The export's bytes as ExportChunk messages, each sent only while the call is ready for more: a client that reads
 * slowly makes the writer wait here instead of making gRPC buffer the record. Written by one thread at a time.
 */
final class ExportChunks extends OutputStream {

    static final int CHUNK_BYTES = 64 * 1024;

    /** Thrown to the writer when the client went away (cancelled, or its deadline passed). */
    static final class CallCancelledException extends IOException {
        CallCancelledException() {
            super("export call cancelled");
        }
    }

    private final ServerCallStreamObserver<ExportChunk> call;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readiness = lock.newCondition();
    private final byte[] buffer = new byte[CHUNK_BYTES];
    private int size;
    private volatile boolean cancelled;
    private volatile Thread writer;

    /** Takes the call's ready and cancel handlers, so it must be made on the rpc's thread, before the rpc returns. */
    ExportChunks(ServerCallStreamObserver<ExportChunk> call) {
        this.call = call;
        call.setOnReadyHandler(this::signal);
        call.setOnCancelHandler(() -> {
            cancelled = true;
            // the writer may be waiting on the EMR: a virtual thread's interrupt closes that socket at once
            Thread w = writer;
            if (w != null) {
                w.interrupt();
            }
            signal();
        });
    }

    /** The thread that writes; interrupted when the call is cancelled. */
    void writtenBy(Thread thread) {
        writer = thread;
        if (cancelled) {
            thread.interrupt();
        }
    }

    boolean cancelled() {
        return cancelled || call.isCancelled();
    }

    @Override
    public void write(int b) throws IOException {
        if (size == buffer.length) {
            send();
        }
        buffer[size++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            if (size == buffer.length) {
                send();
            }
            int n = Math.min(length, buffer.length - size);
            System.arraycopy(bytes, offset, buffer, size, n);
            size += n;
            offset += n;
            length -= n;
        }
    }

    /** Sends what is left; the call is completed by the caller. */
    void finish() throws IOException {
        if (size > 0) {
            send();
        }
    }

    private void send() throws IOException {
        awaitReady();
        call.onNext(ExportChunk.newBuilder()
                .setData(ByteString.copyFrom(buffer, 0, size))
                .build());
        size = 0;
    }

    private void awaitReady() throws IOException {
        lock.lock();
        try {
            while (!cancelled() && !call.isReady()) {
                // the timeout only guards against a readiness change that came without its handler
                readiness.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            if (!cancelled()) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("export interrupted");
            }
        } finally {
            lock.unlock();
        }
        if (cancelled()) {
            throw new CallCancelledException();
        }
    }

    private void signal() {
        lock.lock();
        try {
            readiness.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
