package health.portal.records.access;

import health.portal.platform.security.Caller;
import io.grpc.Context;

/** Per-call facts put into the gRPC context by {@link CallerInterceptor}. */
public record RequestContext(Caller caller, String clientIp, String userAgent, String correlationId) {

    public static final Context.Key<RequestContext> KEY = Context.key("records-request");

    public static RequestContext current() {
        RequestContext ctx = KEY.get();
        return ctx != null ? ctx : new RequestContext(Caller.anonymous(), "", "", "");
    }
}
