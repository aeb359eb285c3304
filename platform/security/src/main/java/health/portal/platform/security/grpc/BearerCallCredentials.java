package health.portal.platform.security.grpc;

import io.grpc.CallCredentials;
import io.grpc.Metadata;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A bearer token on every gRPC call as {@code authorization: Bearer ...}, the metadata records-service reads: the end
 * user's token the gateway relays, or a service account's token, asked for afresh on each call so that renewals
 * apply.
 */
public final class BearerCallCredentials extends CallCredentials {

    public static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Supplier<String> token;

    public BearerCallCredentials(Supplier<String> token) {
        this.token = token;
    }

    public static BearerCallCredentials of(String token) {
        return new BearerCallCredentials(() -> token);
    }

    @Override
    public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        try {
            Metadata metadata = new Metadata();
            metadata.put(AUTHORIZATION, "Bearer " + token.get());
            applier.apply(metadata);
        } catch (RuntimeException e) {
            // no token, no call: the client sees UNAUTHENTICATED instead of a call sent without credentials
            applier.fail(io.grpc.Status.UNAUTHENTICATED
                    .withDescription("No access token for the call")
                    .withCause(e));
        }
    }
}
