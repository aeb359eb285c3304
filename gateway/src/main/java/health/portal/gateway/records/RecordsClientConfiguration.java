package health.portal.gateway.records;

import health.portal.proto.records.v1.RecordsServiceGrpc;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.client.GrpcChannelFactory;

/**
 * The records-service channel. Address, TLS (trust via an SSL bundle) or plaintext come from
 * {@code spring.grpc.client.channels.records.*}; see application.yml.
 */
@Configuration(proxyBeanMethods = false)
class RecordsClientConfiguration {

    @Bean
    RecordsServiceGrpc.RecordsServiceStub recordsStub(GrpcChannelFactory channels, RecordsProperties properties) {
        return RecordsServiceGrpc.newStub(channels.createChannel(properties.channel()));
    }
}
