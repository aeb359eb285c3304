package health.portal.records.access;

import health.portal.platform.security.Caller;
import health.portal.platform.security.grpc.BearerCallCredentials;
import health.portal.platform.security.grpc.ForwardedClient;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.stereotype.Component;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.UUID;

/**
 * Verifies the bearer token of every call (the platform's decoder: signature, issuer, audience, expiry) and puts the caller into
 * the gRPC context. It rejects nothing itself: the service decides, because a refusal must also be audited with the
 * patient the request named, which only the request message carries.
 *
 * <p>The end user's address and device are taken only from a trusted forwarder (the gateway), proven by its own
 * token in {@code x-portal-forwarder}: anyone else's {@code x-forwarded-for} would let a caller put any address into a
 * patient's access log. Without it the audit shows the connection's own address and gRPC user agent.
 */
@Component
@GlobalServerInterceptor
public class CallerInterceptor implements ServerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(CallerInterceptor.class);
    static final Metadata.Key<String> USER_AGENT = Metadata.Key.of("user-agent", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> CORRELATION_ID =
            Metadata.Key.of("x-correlation-id", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> PURPOSE_OF_USE =
            Metadata.Key.of("x-purpose-of-use", Metadata.ASCII_STRING_MARSHALLER);

    private final JwtDecoder jwtDecoder;
    private final AccessGrants grants;

    public CallerInterceptor(JwtDecoder jwtDecoder, AccessGrants grants) {
        this.jwtDecoder = jwtDecoder;
        this.grants = grants;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        boolean forwarded = grants.isTrustedForwarder(caller(headers.get(ForwardedClient.FORWARDER)));
        RequestContext ctx = new RequestContext(
                caller(headers.get(BearerCallCredentials.AUTHORIZATION)),
                forwarded ? clip(firstAddress(headers.get(ForwardedClient.FORWARDED_FOR)), 64) : remoteAddress(call),
                clip(headers.get(forwarded ? ForwardedClient.FORWARDED_USER_AGENT : USER_AGENT), 200),
                correlationId(headers.get(CORRELATION_ID)),
                PurposeOfUse.of(headers.get(PURPOSE_OF_USE)));
        return Contexts.interceptCall(Context.current().withValue(RequestContext.KEY, ctx), call, headers, next);
    }

    private Caller caller(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Caller.anonymous();
        }
        try {
            return Caller.of(jwtDecoder.decode(authorization.substring(7).trim()));
        } catch (JwtException | IllegalArgumentException e) {
            log.info("Rejected a bearer token: {}", e.getClass().getSimpleName());
            return Caller.anonymous();
        }
    }

    private static String firstAddress(String forwardedFor) {
        return forwardedFor == null ? "" : forwardedFor.split(",")[0].trim();
    }

    private static String remoteAddress(ServerCall<?, ?> call) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress()
                : "";
    }

    private static String correlationId(String given) {
        return given != null && given.matches("[A-Za-z0-9._\\-]{1,100}")
                ? given
                : UUID.randomUUID().toString();
    }

    private static String clip(String s, int max) {
        return s == null ? "" : s.length() > max ? s.substring(0, max) : s;
    }
}
