package health.portal.gateway.requestsize;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Name;
import org.springframework.util.unit.DataSize;

import java.util.List;

/**
 * The largest request body the gateway accepts.
 *
 * @param defaultLimit for every path no route limit names ({@code gateway.request-size.default})
 * @param routes       limits per path pattern, the first matching one applies
 */
@ConfigurationProperties("gateway.request-size")
public record RequestSizeProperties(@Name("default") DataSize defaultLimit, List<RouteLimit> routes) {

    public RequestSizeProperties {
        defaultLimit = defaultLimit == null ? DataSize.ofKilobytes(64) : defaultLimit;
        routes = routes == null ? List.of() : List.copyOf(routes);
        if (defaultLimit.toBytes() <= 0 || defaultLimit.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("gateway.request-size.default must be between 1 B and 2 GB");
        }
        for (RouteLimit route : routes) {
            if (route.path() == null
                    || route.max() == null
                    || route.max().toBytes() < 0
                    || route.max().toBytes() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("gateway.request-size.routes: each needs a path and a max "
                        + "between 0 B and 2 GB, got " + route);
            }
        }
    }

    /**
     * @param path a path pattern ({@code /api/enrollment/**})
     * @param max  the largest body on it; 0 allows no body at all
     */
    public record RouteLimit(String path, DataSize max) {}
}
