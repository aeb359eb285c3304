package health.portal.identity;

import health.portal.identity.accesslog.VerifyCommand;
import health.portal.identity.contacts.ContactsAccess;
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

    /**
     * Enrollment and the current terms are public; the rest is the patient's own, or the work of one staff role
     * (least privilege: the front desk issues codes but cannot end access or read anyone's log).
     */
    @Bean
    AccessRules accessRules() {
        return rules -> rules.requestMatchers("/api/enrollment", "/api/enrollment/**")
                .permitAll()
                .requestMatchers(HttpMethod.GET, "/api/terms/current")
                .permitAll()
                .requestMatchers("/api/me", "/api/me/**")
                .hasRole(Caller.ROLE_PATIENT)
                .requestMatchers("/internal/staff/activation-codes", "/internal/staff/activation-codes/**")
                .hasRole(Caller.ROLE_FRONT_DESK)
                .requestMatchers(
                        "/internal/staff/patients/*/access-termination",
                        "/internal/staff/access-log",
                        "/internal/staff/access-log/**",
                        "/internal/staff/terms",
                        "/internal/staff/terms/**")
                .hasRole(Caller.ROLE_PRIVACY_OFFICER)
                .requestMatchers(HttpMethod.GET, ContactsAccess.PATH)
                .access(ContactsAccess.noticeSenderOnly());
    }
}
