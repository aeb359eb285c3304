package health.portal.identity;

import health.portal.identity.accesslog.VerifyCommand;
import health.portal.platform.security.AccessRules;
import health.portal.platform.security.Caller;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.time.Clock;

@SpringBootApplication
@EnableScheduling
public class IdentityServiceApplication {

    public static void main(String[] args) {
        if (VerifyCommand.requested(args)) {
            System.exit(VerifyCommand.run(args, System.out));
        }
        SpringApplication.run(IdentityServiceApplication.class, args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Enrollment and the current terms are public; the rest is the patient's own or staff work. */
    @Bean
    AccessRules accessRules() {
        return rules -> rules.requestMatchers("/api/enrollment", "/api/enrollment/**")
                .permitAll()
                .requestMatchers(HttpMethod.GET, "/api/terms/current")
                .permitAll()
                .requestMatchers("/api/me", "/api/me/**")
                .hasRole(Caller.ROLE_PATIENT)
                .requestMatchers("/internal/staff/**")
                .hasRole(Caller.ROLE_STAFF);
    }
}
