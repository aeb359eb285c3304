package health.portal.platform.security.grpc;

import io.grpc.CallCredentials;
import io.grpc.Metadata;

import java.util.concurrent.Executor;

/**
 * A call relayed for an end user by the gateway: the user's token, plus the gateway's own token that vouches for the
 * user's address and device sent beside it. records-service takes address and device only with a forwarder token of
 * a client it trusts, so that no caller can write an address of its choosing into a patient's access log.
 */
public final class ForwardedClient extends CallCredentials {

    public static final Metadata.Key<String> FORWARDER =
            Metadata.Key.of("x-portal-forwarder", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> FORWARDED_FOR =
            Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> FORWARDED_USER_AGENT =
            Metadata.Key.of("x-forwarded-user-agent", Metadata.ASCII_STRING_MARSHALLER);

    private final String userToken;
    private final String forwarderToken;
    private final String clientAddress;
    private final String userAgent;

    public ForwardedClient(String userToken, String forwarderToken, String clientAddress, String userAgent) {
        this.userToken = userToken;
        this.forwarderToken = forwarderToken;
        this.clientAddress = clientAddress;
        this.userAgent = userAgent;
    }

    @Override
    public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        Metadata metadata = new Metadata();
        metadata.put(BearerCallCredentials.AUTHORIZATION, "Bearer " + userToken);
        metadata.put(FORWARDER, "Bearer " + forwarderToken);
        if (clientAddress != null && !clientAddress.isBlank()) {
            metadata.put(FORWARDED_FOR, clientAddress);
        }
        String agent = asciiOnly(userAgent);
        if (!agent.isBlank()) {
            metadata.put(FORWARDED_USER_AGENT, agent);
        }
        applier.apply(metadata);
    }

    /** ASCII metadata refuses other characters; a device name is kept readable rather than dropped. */
    private static String asciiOnly(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), 200));
        for (int i = 0; i < value.length() && out.length() < 200; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
