package health.portal.records;

import health.portal.records.access.AccessGrants;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

@SpringBootApplication
@EnableConfigurationProperties(AccessGrants.class)
public class RecordsServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(RecordsServiceApplication.class, args);
    }
}
