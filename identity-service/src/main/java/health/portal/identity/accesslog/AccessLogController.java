package health.portal.identity.accesslog;

import health.portal.identity.web.ClientInfo;
import health.portal.identity.web.StaffMember;
import health.portal.platform.security.Caller;
import health.portal.proto.FhirIds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

@RestController
@Validated
@Tag(name = "Access log")
public class AccessLogController {

    private static final Logger log = LoggerFactory.getLogger(AccessLogController.class);

    private final AccessLog accessLog;
    private final KeycloakEventImporter importer;

    public AccessLogController(AccessLog accessLog, KeycloakEventImporter importer) {
        this.accessLog = accessLog;
        this.importer = importer;
    }

    public record AccessLogPage(String patientId, List<AccessLog.LogEntry> entries, int page, int size) {}

    @GetMapping("/api/me/access-log")
    @Operation(summary = "My access log: sign-ins, sign-outs, failed attempts, password changes, record accesses")
    public AccessLogPage mine(
            @AuthenticationPrincipal Jwt jwt,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
            @RequestParam(defaultValue = "0") @Min(0) @Max(10_000) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size) {
        return read(Caller.of(jwt).requirePatientId(), from, to, page, size);
    }

    @GetMapping("/internal/staff/access-log")
    @Operation(summary = "A patient's access log (staff)")
    public AccessLogPage ofPatient(
            @RequestParam @Size(max = 64) @Pattern(regexp = FhirIds.PATTERN) String patientId,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
            @RequestParam(defaultValue = "0") @Min(0) @Max(10_000) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size,
            @AuthenticationPrincipal Jwt staff,
            HttpServletRequest http) {
        AccessLogPage read = read(patientId, from, to, page, size);
        // the patient sees who looked at their log: the read is itself an entry (after it, so it shows next time)
        StaffMember reader = StaffMember.of(staff);
        ClientInfo client = ClientInfo.of(http);
        accessLog.append(new AccessLog.Entry(
                "PORTAL",
                "portal:" + UUID.randomUUID(),
                patientId,
                null,
                Instant.now(),
                "ACCOUNT",
                "access_log.read",
                "SUCCESS",
                reader.username(),
                "STAFF",
                client.ip(),
                client.userAgent(),
                "by " + reader.describe()));
        return read;
    }

    @GetMapping("/internal/staff/access-log/verification")
    @Operation(
            summary = "Recompute the access log's MAC chain up to its head, compare the head with the published one,"
                    + " and report the first entry that was tampered with (503 when the published head cannot be read)")
    public AccessLog.Verification verify() {
        return accessLog.verify();
    }

    private AccessLogPage read(String patientId, Instant from, Instant to, int page, int size) {
        try {
            importer.sync(); // show the latest sign-ins, not those of the last scheduled copy
        } catch (RuntimeException e) {
            log.warn("Keycloak events not refreshed before an access-log read: {}", e.toString());
        }
        Instant start = from == null ? Instant.EPOCH : from;
        Instant end = to == null ? Instant.now().plusSeconds(60) : to;
        return new AccessLogPage(patientId, accessLog.find(patientId, start, end, size, page * size), page, size);
    }
}
