package health.portal.gateway.records;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * @param channel          the Spring gRPC channel name ({@code spring.grpc.client.channels.<name>})
 * @param deadline         deadline of each unary call
 * @param exportDeadline   deadline of the whole record export (streamed)
 * @param maxPageSize      the largest page a client may ask for
 */
@ConfigurationProperties("gateway.records")
public record RecordsProperties(String channel, Duration deadline, Duration exportDeadline, int maxPageSize) {

    public RecordsProperties {
        channel = channel == null ? "records" : channel;
        deadline = deadline == null ? Duration.ofSeconds(10) : deadline;
        exportDeadline = exportDeadline == null ? Duration.ofMinutes(2) : exportDeadline;
        maxPageSize = maxPageSize <= 0 ? 100 : maxPageSize;
    }
}
