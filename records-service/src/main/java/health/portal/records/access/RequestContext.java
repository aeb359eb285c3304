package health.portal.records.access;

import health.portal.platform.security.Caller;
import io.grpc.Context;

import java.util.Optional;

/**
 * Per-call facts put into the gRPC context by {@link CallerInterceptor}.
 *
 * @param purposeOfUse the purpose a staff caller stated, empty when none or not one of {@link PurposeOfUse}
 */
public record RequestContext(
        Caller caller, String clientIp, String userAgent, String correlationId, Optional<PurposeOfUse> purposeOfUse) {

    public static final Context.Key<RequestContext> KEY = Context.key("records-request");

    public static RequestContext current() {
        RequestContext ctx = KEY.get();
        return ctx != null ? ctx : new RequestContext(Caller.anonymous(), "", "", "", Optional.empty());
    }
}
