package health.portal.gateway;

import health.portal.gateway.tls.ClientRenegotiation;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    public static void main(String[] args) {
        ClientRenegotiation.refuse(); // before anything can load the JDK's TLS server classes
        SpringApplication.run(GatewayApplication.class, args);
    }
}
