package health.portal.gateway.web;

import org.springframework.web.server.ServerWebExchange;

import java.net.InetSocketAddress;

/**
 * The client's address. Behind a trusted proxy, set {@code server.forward-headers-strategy} so that the
 * remote address already is the forwarded one; the gateway never trusts X-Forwarded-For on its own.
 */
public final class ClientAddress {

    private ClientAddress() {}

    public static String of(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        if (remote == null) {
            return "unknown";
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }
}
