package health.portal.identity.enrollment;

import health.portal.identity.web.ClientInfo;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/enrollment")
@Tag(name = "Enrollment (public)")
public class EnrollmentController {

    private final EnrollmentService enrollment;

    public EnrollmentController(EnrollmentService enrollment) {
        this.enrollment = enrollment;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a portal account with an activation code, date of birth, user ID, password and e-mail")
    public EnrollmentService.Enrolled enroll(@Valid @RequestBody EnrollmentRequest request, HttpServletRequest http) {
        return enrollment.enroll(request, ClientInfo.of(http));
    }
}
