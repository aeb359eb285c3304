package health.portal.platform.problem.autoconfigure;

import health.portal.platform.problem.PortalProblemDetailsHandler;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Problem details with field errors for every servlet service, unless the service declares its own
 * {@link ResponseEntityExceptionHandler} (for example a subclass of {@link PortalProblemDetailsHandler}).
 * Runs before Spring Boot's web MVC configuration, whose plain handler then steps back.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ResponseEntityExceptionHandler.class, jakarta.validation.ConstraintViolationException.class})
public class ProblemDetailsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(ResponseEntityExceptionHandler.class)
    PortalProblemDetailsHandler portalProblemDetailsHandler() {
        return new DefaultHandler();
    }

    @ControllerAdvice
    static class DefaultHandler extends PortalProblemDetailsHandler {}
}
