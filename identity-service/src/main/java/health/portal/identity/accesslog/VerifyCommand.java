package health.portal.identity.accesslog;

import health.portal.platform.problem.DependencyUnavailableException;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.NestedExceptionUtils;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The operator's check of a live access log: {@code java -jar identity-service-exec.jar verify}, with the service's
 * own settings (database, key, Kafka). Starts only what verification needs: no web server, no consumers, no
 * schedules, no migrations, nothing written. Exit status 0 when the chain is intact, 1 when it is not (the first bad
 * entry is named), 2 when it could not be checked.
 */
public final class VerifyCommand {

    public static final String NAME = "verify";
    static final int INTACT = 0;
    static final int TAMPERED = 1;
    static final int NOT_CHECKED = 2;

    private VerifyCommand() {}

    /** Whether the arguments ask for this command rather than the service. */
    public static boolean requested(String[] args) {
        return args.length > 0 && NAME.equals(args[0]);
    }

    /** Runs the check; the arguments after {@code verify} are Spring arguments ({@code --name=value}). */
    public static int run(String[] args, PrintStream out) {
        String[] settings = Arrays.copyOfRange(args, requested(args) ? 1 : 0, args.length);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Command.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .properties(
                        "spring.flyway.enabled=false",
                        "portal.outbox.relay-enabled=false",
                        "spring.main.lazy-initialization=true")
                .run(settings)) {
            AccessLog.Verification result =
                    context.getBean(ChainVerification.class).verify();
            out.println(describe(result));
            return result.valid() ? INTACT : TAMPERED;
        } catch (DependencyUnavailableException e) {
            out.println("access log NOT CHECKED: " + e.getMessage());
            return NOT_CHECKED;
        } catch (RuntimeException e) {
            out.println("access log NOT CHECKED: " + NestedExceptionUtils.getMostSpecificCause(e));
            return NOT_CHECKED;
        }
    }

    static String describe(AccessLog.Verification v) {
        String published = v.publishedHeadSeq() == null ? "none published yet" : "published " + v.publishedHeadSeq();
        if (v.valid()) {
            return "access log intact: " + v.entriesChecked() + " entries checked, head " + v.headSeq() + " ("
                    + published + ")";
        }
        return "access log TAMPERED: first bad entry " + v.firstInvalidSeq() + ": " + v.problem() + " ("
                + v.entriesChecked() + " entries checked, head " + v.headSeq() + ", " + published + ")";
    }

    /**
     * Not a {@code @Configuration}: the service's component scan, and the tests' search for the application, pass it
     * by; Spring Boot still processes it as the command's primary source.
     */
    @EnableAutoConfiguration
    @EnableConfigurationProperties(AccessLogProperties.class)
    @Import({ChainMac.class, PublishedHead.class, ChainVerification.class})
    static class Command {}
}
