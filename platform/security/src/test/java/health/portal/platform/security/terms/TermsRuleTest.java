package health.portal.platform.security.terms;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.platform.security.Caller;
import health.portal.platform.security.terms.TermsRule.Outcome;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The terms rule: the token's accepted version against the current one, for patients only, closed when unknown. */
class TermsRuleTest {

    private static Caller patient(String termsVersion) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("sub", "user-1");
        claims.put("realm_access", Map.of("roles", List.of("patient")));
        claims.put("patient_id", "demo-alex");
        if (termsVersion != null) {
            claims.put("terms_version", termsVersion);
        }
        return Caller.fromClaims(claims);
    }

    private static CurrentTerms current(String version) {
        CurrentTerms current = new CurrentTerms();
        current.learned(version, Instant.parse("2026-01-01T00:00:00Z"));
        return current;
    }

    @Test
    void aPatientWithTheCurrentVersionPasses() {
        assertThat(TermsRule.check(patient("2026-01"), current("2026-01")).passes())
                .isTrue();
    }

    @Test
    void aPatientWithAnOlderOrNoVersionIsToldWhichToAccept() {
        for (String accepted : new String[] {"2025-01", null, ""}) {
            TermsRule.Verdict verdict = TermsRule.check(patient(accepted), current("2026-01"));
            assertThat(verdict.outcome()).isEqualTo(Outcome.ACCEPTANCE_REQUIRED);
            assertThat(verdict.currentVersion()).isEqualTo("2026-01");
        }
        assertThat(TermsRule.detail("2026-01"))
                .contains("2026-01")
                .contains("/api/me/terms-acceptance")
                .contains("refreshes its access token");
    }

    @Test
    void anUnknownCurrentVersionRefusesPatientsEvenWithAVersion() {
        assertThat(TermsRule.check(patient("2026-01"), new CurrentTerms()).outcome())
                .isEqualTo(Outcome.CURRENT_VERSION_UNKNOWN);
    }

    @Test
    void staffServicesAndRolelessTokensAreNotSubjectToIt() {
        Map<String, Object> staff = new HashMap<>();
        staff.put("sub", "staff-1");
        staff.put("realm_access", Map.of("roles", List.of("clinician")));
        staff.put("azp", Caller.STAFF_CLIENT);
        staff.put("amr", List.of("pwd", "otp"));
        Map<String, Object> service = Map.of("sub", "svc", "realm_access", Map.of("roles", List.of("records-service")));
        for (Map<String, Object> claims : List.of(staff, service)) {
            assertThat(TermsRule.check(Caller.fromClaims(claims), new CurrentTerms())
                            .passes())
                    .isTrue();
        }
    }

    @Test
    void theNewestPublicationIsCurrentWhateverTheOrderItArrivesIn() {
        CurrentTerms current = new CurrentTerms();
        current.learned("2026-02", Instant.parse("2026-02-01T00:00:00Z"));
        current.learned("2026-01", Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(current.version()).contains("2026-02");
        assertThat(TermsRule.check(patient("2026-01"), current).currentVersion())
                .isEqualTo("2026-02");
    }
}
