package health.portal.emr.sandbox;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class EmrSandboxApplication {

    public static void main(String[] args) {
        SpringApplication.run(EmrSandboxApplication.class, args);
    }
}
