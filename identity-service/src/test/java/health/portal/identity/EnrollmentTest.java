package health.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.platform.events.Envelopes;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.EventEnvelope;
import health.portal.proto.events.v1.PatientEnrolled;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

class EnrollmentTest extends IdentityIntegrationTest {

    @Test
    void staffIssueACodeAndThePatientEnrollsSignsInAndSeesWhoTheyAre() {
        String patientId = uniquePatientId();
        Reply issued = post(
                "/internal/staff/activation-codes",
                frontDeskToken(),
                Map.of("patientId", patientId, "birthDate", FakeRecordsService.BIRTH_DATE));
        assertThat(issued.status()).isEqualTo(201);
        String code = issued.body().path("code").asString();
        assertThat(code).matches("[2-9A-HJKMNP-TV-Z]{5}-[2-9A-HJKMNP-TV-Z]{5}-[2-9A-HJKMNP-TV-Z]{5}");
        // stored only as a hash
        assertThat(jdbc.queryForObject(
                        "select count(*) from activation_code where patient_id = ? and code_hash <> ?",
                        Integer.class,
                        patientId,
                        code.replace("-", "")))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject(
                        "select count(*) from activation_code where code_hash like ?",
                        Integer.class,
                        "%" + code.replace("-", "") + "%"))
                .isZero();

        String username = uniqueUsername("alex");
        String password = "Blue-Harbor-Lantern-42";
        // the code is typed as people type: lower case, without dashes
        Reply enrolled = post(
                "/api/enrollment",
                null,
                enrollment(code.replace("-", "").toLowerCase(), FakeRecordsService.BIRTH_DATE, username, password));
        assertThat(enrolled.status()).as(String.valueOf(enrolled.body())).isEqualTo(201);
        String userId = enrolled.body().path("userId").asString();
        assertThat(enrolled.body().path("patientId").asString()).isEqualTo(patientId);

        EventEnvelope event = awaitEvent(
                Topics.IDENTITY_EVENTS,
                e -> Envelopes.payload(e, PatientEnrolled.class)
                        .map(p -> p.getUserId().equals(userId))
                        .orElse(false));
        PatientEnrolled payload =
                Envelopes.payload(event, PatientEnrolled.class).orElseThrow();
        assertThat(payload.getPatientId()).isEqualTo(patientId);
        assertThat(payload.getUsername()).isEqualTo(username);
        assertThat(payload.getTermsVersion()).isEqualTo(currentTermsVersion());
        assertThat(event.getSubjectPatientId()).isEqualTo(patientId);
        assertThat(event.getProducer()).isEqualTo("identity-service");

        String token = signIn(username, password).accessToken();
        JsonNode claims =
                JSON.readTree(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
        assertThat(claims.path("patient_id").asString()).isEqualTo(patientId);
        assertThat(claims.path("realm_access").path("roles").toString()).contains("\"patient\"");

        Reply me = get("/api/me", token);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.body().path("userId").asString()).isEqualTo(userId);
        assertThat(me.body().path("username").asString()).isEqualTo(username);
        assertThat(me.body().path("patientId").asString()).isEqualTo(patientId);
        assertThat(me.body().path("terms").path("acceptedVersion").asString()).isEqualTo(currentTermsVersion());
        assertThat(me.body().path("terms").path("acceptanceRequired").asBoolean())
                .isFalse();
        assertThat(me.body().path("passwordAgeDays").asLong()).isZero();

        // single use
        Reply again = post(
                "/api/enrollment",
                null,
                enrollment(code, FakeRecordsService.BIRTH_DATE, uniqueUsername("alex2"), password));
        assertThat(again.status()).isEqualTo(410);
        assertThat(again.type()).endsWith("/activation-code-used");
        // the consent of the enrollment was recorded with where it came from
        assertThat(jdbc.queryForObject(
                        "select client_ip from terms_acceptance where user_id = ?", String.class, userId))
                .isEqualTo("127.0.0.1");
    }

    @Test
    void anUnknownCodeAndAWrongBirthDateAnswerAlike() {
        Reply unknown = post(
                "/api/enrollment",
                null,
                enrollment(
                        "22222-33333-44444",
                        FakeRecordsService.BIRTH_DATE,
                        uniqueUsername("u"),
                        "Blue-Harbor-Lantern-42"));
        String code = issueCode(uniquePatientId());
        Reply wrongBirthDate = post(
                "/api/enrollment", null, enrollment(code, "1980-01-16", uniqueUsername("u"), "Blue-Harbor-Lantern-42"));

        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.type()).endsWith("/invalid-activation");
        ObjectNode a = (ObjectNode) unknown.body();
        ObjectNode b = (ObjectNode) wrongBirthDate.body();
        a.remove("instance");
        b.remove("instance");
        assertThat(wrongBirthDate.status()).isEqualTo(unknown.status());
        assertThat(b).isEqualTo(a);
        assertThat(unknown.raw().headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
    }

    @Test
    void aCodeLocksAfterFiveWrongBirthDates() {
        String code = issueCode(uniquePatientId());
        for (int i = 0; i < 5; i++) {
            Reply wrong = post(
                    "/api/enrollment",
                    null,
                    enrollment(code, "1999-12-0" + (i + 1), uniqueUsername("lock"), "Blue-Harbor-Lantern-42"));
            assertThat(wrong.type()).endsWith("/invalid-activation");
        }
        Reply right = post(
                "/api/enrollment",
                null,
                enrollment(code, FakeRecordsService.BIRTH_DATE, uniqueUsername("lock"), "Blue-Harbor-Lantern-42"));
        assertThat(right.status()).isEqualTo(423);
        assertThat(right.type()).endsWith("/activation-code-locked");
    }

    @Test
    void expiredAndRevokedCodesAreRefusedClearly() {
        String patientId = uniquePatientId();
        String expired = issueCode(patientId);
        jdbc.update(
                "update activation_code set expires_at = now() - interval '1 minute' where patient_id = ?", patientId);
        Reply tooLate = post(
                "/api/enrollment",
                null,
                enrollment(expired, FakeRecordsService.BIRTH_DATE, uniqueUsername("exp"), "Blue-Harbor-Lantern-42"));
        assertThat(tooLate.status()).isEqualTo(410);
        assertThat(tooLate.type()).endsWith("/activation-code-expired");

        String other = uniquePatientId();
        Reply issued = post(
                "/internal/staff/activation-codes",
                frontDeskToken(),
                Map.of("patientId", other, "birthDate", FakeRecordsService.BIRTH_DATE));
        String id = issued.body().path("id").asString();
        assertThat(post("/internal/staff/activation-codes/" + id + "/revocation", frontDeskToken(), "{}")
                        .status())
                .isEqualTo(204);
        Reply revoked = post(
                "/api/enrollment",
                null,
                enrollment(
                        issued.body().path("code").asString(),
                        FakeRecordsService.BIRTH_DATE,
                        uniqueUsername("rev"),
                        "Blue-Harbor-Lantern-42"));
        assertThat(revoked.status()).isEqualTo(410);
        assertThat(revoked.type()).endsWith("/activation-code-revoked");

        Reply listed = get("/internal/staff/activation-codes?patientId=" + other, frontDeskToken());
        assertThat(listed.body().get(0).path("status").asString()).isEqualTo("REVOKED");
        assertThat(listed.body().get(0).has("code")).isFalse();
    }

    @Test
    void weakPasswordsComeBackAsFieldErrorsAndLeaveNoUserBehind() {
        String patientId = uniquePatientId();
        String code = issueCode(patientId);
        String username = uniqueUsername("weak");

        Reply tooShort =
                post("/api/enrollment", null, enrollment(code, FakeRecordsService.BIRTH_DATE, username, "short-pw1"));
        assertThat(tooShort.status()).isEqualTo(400);
        assertThat(tooShort.errorFields()).containsExactly("password");
        assertThat(tooShort.body().path("errors").get(0).path("message").asString())
                .contains("12");

        String longUsername = uniqueUsername("samename-longer");
        Reply sameAsUsername = post(
                "/api/enrollment", null, enrollment(code, FakeRecordsService.BIRTH_DATE, longUsername, longUsername));
        assertThat(sameAsUsername.status()).isEqualTo(400);
        assertThat(sameAsUsername.errorFields()).containsExactly("password");

        assertThat(realmAdmin().users().searchByUsername(username, true)).isEmpty();
        assertThat(realmAdmin().users().searchByUsername(longUsername, true)).isEmpty();
        // the code is still good: a strong password now works
        Reply ok = post(
                "/api/enrollment",
                null,
                enrollment(code, FakeRecordsService.BIRTH_DATE, username, "Blue-Harbor-Lantern-42"));
        assertThat(ok.status()).isEqualTo(201);
    }

    @Test
    void aTakenUserIdIsAFieldError() {
        Patient first = enrollNewPatient("taken");
        Reply taken = post(
                "/api/enrollment",
                null,
                enrollment(
                        issueCode(uniquePatientId()),
                        FakeRecordsService.BIRTH_DATE,
                        first.username().toUpperCase(),
                        "Blue-Harbor-Lantern-42"));
        assertThat(taken.status()).isEqualTo(400);
        assertThat(taken.errorFields()).containsExactly("username");
    }

    @Test
    void aFailureAfterTheKeycloakCallLeavesNoOrphanUser() {
        String username = uniqueUsername("orphan");
        String patientId = uniquePatientId();
        String code = issueCode(patientId);
        // the database refuses this one account after Keycloak has created the user
        jdbc.execute("""
                create or replace function test_refuse_account() returns trigger language plpgsql as $$
                begin
                  if new.username = '%s' then raise exception 'refused by test'; end if;
                  return new;
                end $$""".formatted(username));
        jdbc.execute("create trigger test_refuse_account before insert on patient_account "
                + "for each row execute function test_refuse_account()");
        try {
            Reply failed = post(
                    "/api/enrollment",
                    null,
                    enrollment(code, FakeRecordsService.BIRTH_DATE, username, "Blue-Harbor-Lantern-42"));
            assertThat(failed.status()).isEqualTo(500);
            assertThat(failed.body().path("detail").asString()).doesNotContain("refused by test");
        } finally {
            jdbc.execute("drop trigger test_refuse_account on patient_account");
        }
        assertThat(realmAdmin().users().searchByUsername(username, true)).isEmpty();
        assertThat(jdbc.queryForObject(
                        "select status from activation_code where patient_id = ?", String.class, patientId))
                .isEqualTo("ACTIVE");
        assertThat(jdbc.queryForObject(
                        "select count(*) from outbox_event e where e.record_key = ?", Integer.class, patientId))
                .isZero();
    }

    @Test
    void badInputGetsFieldErrors() {
        String tooLong = "x".repeat(70);
        Map<String, Object> request = enrollment("not-a-code", "1980-13-45", tooLong, "p".repeat(200));
        request.put("email", "not-an-email");
        request.put("acceptTerms", false);
        Reply reply = post("/api/enrollment", null, request);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.type()).endsWith("/validation");
        assertThat(reply.errorFields()).contains("username", "password", "email", "acceptTerms");

        Reply malformedCode = post(
                "/api/enrollment",
                null,
                enrollment(
                        "OOOOO-IIIII-11111",
                        FakeRecordsService.BIRTH_DATE,
                        uniqueUsername("m"),
                        "Blue-Harbor-Lantern-42"));
        assertThat(malformedCode.errorFields()).containsExactly("activationCode");

        Reply badDate = post(
                "/api/enrollment",
                null,
                enrollment(issueCode(uniquePatientId()), "1980-02-30", uniqueUsername("d"), "Blue-Harbor-Lantern-42"));
        assertThat(badDate.errorFields()).containsExactly("dateOfBirth");

        Reply notJson = post("/api/enrollment", null, "{\"activationCode\":");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body().path("status").asInt()).isEqualTo(400);

        Reply huge = post("/api/enrollment", null, "{\"username\":\"" + "a".repeat(200_000) + "\"}");
        assertThat(huge.status()).isEqualTo(413);

        Map<String, Object> oldTerms = enrollment(
                issueCode(uniquePatientId()),
                FakeRecordsService.BIRTH_DATE,
                uniqueUsername("t"),
                "Blue-Harbor-Lantern-42");
        oldTerms.put("termsVersion", "1999-1");
        assertThat(post("/api/enrollment", null, oldTerms).type()).endsWith("/terms-version-outdated");
    }

    @Test
    void onlyStaffIssueCodesAndOnlyForPatientsOfTheRecord() {
        Map<String, String> body = Map.of("patientId", uniquePatientId(), "birthDate", FakeRecordsService.BIRTH_DATE);
        assertThat(post("/internal/staff/activation-codes", null, body).status())
                .isEqualTo(401);
        Patient patient = enrollNewPatient("notstaff");
        String patientToken = signIn(patient.username(), patient.password()).accessToken();
        Reply forbidden = post("/internal/staff/activation-codes", patientToken, body);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.type()).endsWith("/forbidden");

        Reply unknown = post(
                "/internal/staff/activation-codes",
                frontDeskToken(),
                Map.of("patientId", "nobody-here", "birthDate", FakeRecordsService.BIRTH_DATE));
        assertThat(unknown.status()).isEqualTo(422);
        assertThat(unknown.type()).endsWith("/patient-not-found");
        // the EMR check really went through the gRPC service with a records-service token
        assertThat(FakeRecordsService.shared().authorizedCalls.get()).isPositive();
    }

    @Test
    void publicEndpointsAndOpenApi() {
        Reply terms = get("/api/terms/current", null);
        assertThat(terms.status()).isEqualTo(200);
        assertThat(terms.body().path("text").asString()).contains("emergenc");
        Reply api = get("/v3/api-docs", null);
        assertThat(api.status()).isEqualTo(200);
        assertThat(api.body().path("paths").has("/api/enrollment")).isTrue();
        assertThat(api.body().path("paths").has("/internal/staff/activation-codes"))
                .isTrue();
        Reply anonymous = get("/api/me", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.type()).endsWith("/unauthenticated");
        assertThat(anonymous.raw().headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(h -> assertThat(h).startsWith("Bearer"));
    }
}
