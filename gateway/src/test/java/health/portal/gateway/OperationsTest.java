package health.portal.gateway;

import static health.portal.gateway.SecurityHeaderAssertions.assertProblem;
import static health.portal.gateway.SecurityHeaderAssertions.assertSecurityHeaders;
import static health.portal.gateway.SecurityHeaderAssertions.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.portal.proto.events.v1.AccessTerminated;
import health.portal.proto.events.v1.ActorType;
import health.portal.proto.events.v1.AuditEvent;
import health.portal.proto.events.v1.Outcome;
import health.portal.proto.events.v1.SecurityEvent;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Rate limits, maintenance mode, terminated users, audit and security events, TLS, management port. */
class OperationsTest extends GatewayTestBase {

    @Test
    void eachUserHasARateLimitWhateverTheAddress() {
        TestUser user = patient("limited");
        String token = mobileToken(user);
        HttpResponse<String> last = null;
        for (int i = 0; i <= USER_LIMIT; i++) {
            last = send(
                    client(),
                    request("/api/me", "203.0.113." + (i % 200 + 1))
                            .header("Authorization", "Bearer " + token)
                            .GET()
                            .build());
            if (i < USER_LIMIT) {
                assertThat(last.statusCode()).as("request %d", i + 1).isEqualTo(200);
            }
        }
        assertProblem(last, 429);
        assertThat(Long.parseLong(header(last, "Retry-After"))).isBetween(1L, 60L);
        assertSecurityHeaders(last);
        // another user is not affected
        assertThat(get("/api/me", mobileToken(patient("unlimited"))).statusCode())
                .isEqualTo(200);
        assertThat(KafkaEvents.await(
                        KAFKA.bootstrapServers(),
                        "portal.security.events",
                        SecurityEvent.class,
                        event -> event.getKind().equals("rate_limited")
                                && event.getUserId().equals(user.userId()),
                        Duration.ofSeconds(60)))
                .isPresent();
    }

    @Test
    void enrollmentIsLimitedPerAddressMoreStrictly() {
        for (int i = 0; i < ENROLLMENT_LIMIT; i++) {
            assertThat(enroll("192.0.2.77").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> refused = enroll("192.0.2.77");
        assertProblem(refused, 429);
        assertThat(header(refused, "Retry-After")).matches("\\d+");
        assertThat(enroll("192.0.2.78").statusCode()).as("another address").isEqualTo(200);
        // the general limit is far higher: other routes from the same address still work
        assertThat(send(
                                client(),
                                request("/api/terms/current", "192.0.2.77")
                                        .GET()
                                        .build())
                        .statusCode())
                .isEqualTo(200);
    }

    private HttpResponse<String> enroll(String address) {
        return send(
                client(),
                request("/api/enrollment/verify", address)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"X\"}"))
                        .build());
    }

    @Test
    void manyPatientsBehindOneAddressAreLimitedPerUserNotPerAddress() {
        String nat = "198.51.100.200";
        List<String> tokens =
                List.of(mobileToken(patient("nat-1")), mobileToken(patient("nat-2")), mobileToken(patient("nat-3")));
        int perUser = ADDRESS_LIMIT / tokens.size() + 5; // together more than one address may send, each under its own
        assertThat(perUser).isLessThan(USER_LIMIT);
        for (String token : tokens) {
            for (int i = 0; i < perUser; i++) {
                HttpResponse<String> response = send(
                        client(),
                        request(i % 2 == 0 ? "/api/me" : "/api/records/summary", nat)
                                .header("Authorization", "Bearer " + token)
                                .GET()
                                .build());
                assertThat(response.statusCode())
                        .as("signed-in request %d", i + 1)
                        .isEqualTo(200);
            }
        }
        // the same address without credentials is still limited, its count untouched by the signed-in traffic
        HttpResponse<String> last = null;
        for (int i = 0; i <= ADDRESS_LIMIT; i++) {
            last = send(client(), request("/api/terms/current", nat).GET().build());
            if (i < ADDRESS_LIMIT) {
                assertThat(last.statusCode()).as("anonymous request %d", i + 1).isEqualTo(200);
            }
        }
        assertProblem(last, 429);
        assertSecurityHeaders(last);
        // a signed-in patient behind that address is not locked out by the anonymous flood
        assertThat(send(
                                client(),
                                request("/api/me", nat)
                                        .header("Authorization", "Bearer " + tokens.getFirst())
                                        .GET()
                                        .build())
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void floodsOfBadTokensAreLimitedPerAddress() {
        String address = "198.51.100.201";
        HttpResponse<String> last = null;
        for (int i = 0; i <= ADDRESS_LIMIT; i++) {
            last = send(
                    client(),
                    request("/api/records/summary", address)
                            .header("Authorization", "Bearer not-a-token-" + i)
                            .GET()
                            .build());
            if (i < ADDRESS_LIMIT) {
                assertProblem(last, 401);
            }
        }
        assertProblem(last, 429);
        assertThat(header(last, "Retry-After")).matches("\\d+");
    }

    @Test
    void maintenanceModeIsSwitchedWithoutRestartAndHealthStillAnswers() {
        String token = mobileToken(patient("maintenance"));
        HttpClient management =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            HttpResponse<String> on = send(
                    management,
                    operatorRequest("/actuator/maintenance")
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"message\":\"Back at 14:00 UTC\",\"retryAfterSeconds\":120}"))
                            .build());
            assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
            assertThat(on.body()).contains("\"enabled\":true");

            HttpResponse<String> refused = get("/api/me", token);
            assertProblem(refused, 503);
            assertThat(refused.body()).contains("Back at 14:00 UTC");
            assertThat(header(refused, "Retry-After")).isEqualTo("120");
            assertSecurityHeaders(refused);
            assertProblem(get("/api/records/summary", token), 503);
            assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
            assertThat(send(
                                    management,
                                    operatorRequest("/actuator/maintenance")
                                            .GET()
                                            .build())
                            .body())
                    .contains("\"enabled\":true");
        } finally {
            HttpResponse<String> off = send(
                    management,
                    operatorRequest("/actuator/maintenance").DELETE().build());
            assertThat(off.statusCode()).isEqualTo(200);
        }
        assertThat(get("/api/me", token).statusCode()).isEqualTo(200);
    }

    @Test
    void theManagementPortNeedsTheOperatorCredentialExceptForProbesAndScrapes() {
        HttpClient management =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = mobileToken(patient("not-an-operator"));
        List<HttpRequest> refused = List.of(
                managementRequest("/actuator/maintenance")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"nobody may\"}"))
                        .build(),
                managementRequest("/actuator/maintenance").GET().build(),
                managementRequest("/actuator/maintenance")
                        .header("Authorization", basic(OPERATOR, OPERATOR_PASSWORD + "x"))
                        .DELETE()
                        .build(),
                managementRequest("/actuator/maintenance")
                        .header("Authorization", basic("someone", OPERATOR_PASSWORD))
                        .GET()
                        .build(),
                managementRequest("/actuator/maintenance")
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build(),
                managementRequest("/actuator/gateway/routes").GET().build(),
                managementRequest("/actuator/metrics").GET().build(),
                managementRequest("/actuator/sbom").GET().build(),
                managementRequest("/actuator/info").GET().build());
        try {
            for (HttpRequest request : refused) {
                HttpResponse<String> response = send(management, request);
                assertProblem(response, 401);
                assertThat(header(response, "WWW-Authenticate")).startsWith("Basic realm=");
                assertSecurityHeaders(response);
            }
            // the refused POST switched nothing on
            assertThat(get("/api/terms/current", null).statusCode()).isEqualTo(200);
        } finally {
            // should the switch have taken the POST after all, the other tests must not run in maintenance
            send(management, operatorRequest("/actuator/maintenance").DELETE().build());
        }
        assertThat(send(
                                management,
                                managementRequest("/actuator/health/readiness")
                                        .GET()
                                        .build())
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(
                                management,
                                managementRequest("/actuator/prometheus").GET().build())
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> routes = send(
                management, operatorRequest("/actuator/gateway/routes").GET().build());
        assertThat(routes.statusCode()).isEqualTo(200);
        assertThat(routes.body()).contains("identity-enrollment");
        // the operator reads the SBOM there when checking a patch (the document itself only in a -Pimage build)
        HttpResponse<String> sboms =
                send(management, operatorRequest("/actuator/sbom").GET().build());
        assertThat(sboms.statusCode()).isEqualTo(200);
        assertThat(sboms.body()).contains("\"ids\"");
    }

    private HttpRequest.Builder managementRequest(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .timeout(Duration.ofSeconds(30));
    }

    @Test
    void aTerminatedUserIsRefusedWithin60SecondsDespiteAValidToken() throws Exception {
        TestUser user = patient("terminated");
        String token = mobileToken(user);
        assertThat(get("/api/me", token).statusCode()).isEqualTo(200);

        Instant published = Instant.now();
        KafkaEvents.publish(
                KAFKA.bootstrapServers(),
                "portal.identity.events",
                user.patientId(),
                AccessTerminated.newBuilder()
                        .setPatientId(user.patientId())
                        .setUserId(user.userId())
                        .setReason("test")
                        .setTerminatedBy("staff-1")
                        .build());

        HttpResponse<String> response = get("/api/me", token);
        while (response.statusCode() == 200
                && Duration.between(published, Instant.now()).toSeconds() < 60) {
            Thread.sleep(500);
            response = get("/api/me", token);
        }
        assertProblem(response, 403);
        assertThat(Duration.between(published, Instant.now())).isLessThan(Duration.ofSeconds(60));
        assertProblem(get("/api/records/summary", token), 403);
        assertThat(get("/api/me", mobileToken(patient("still-active"))).statusCode())
                .isEqualTo(200);
    }

    @Test
    void everyApiRequestIsAuditedWithoutContent() {
        TestUser user = patient("audited");
        assertThat(get("/api/records/summary", mobileToken(user)).statusCode()).isEqualTo(200);
        AuditEvent success = KafkaEvents.await(
                        KAFKA.bootstrapServers(),
                        "portal.audit.events",
                        AuditEvent.class,
                        event -> event.getActorId().equals(user.userId()),
                        Duration.ofSeconds(60))
                .orElseThrow();
        assertThat(success.getActorType()).isEqualTo(ActorType.PATIENT);
        assertThat(success.getPatientId()).isEqualTo(user.patientId());
        assertThat(success.getResource()).isEqualTo("/api/records/summary");
        assertThat(success.getOutcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(success.getDetail()).isEqualTo("200");
        assertThat(success.toString()).doesNotContain("Peanut"); // no clinical content

        send(client(), request("/api/me", "192.0.2.99").GET().build());
        AuditEvent denied = KafkaEvents.await(
                        KAFKA.bootstrapServers(),
                        "portal.audit.events",
                        AuditEvent.class,
                        event -> event.getClientIp().equals("192.0.2.99"),
                        Duration.ofSeconds(60))
                .orElseThrow();
        assertThat(denied.getActorType()).isEqualTo(ActorType.ANONYMOUS);
        assertThat(denied.getOutcome()).isEqualTo(Outcome.DENIED);
        assertThat(denied.getResource()).isEqualTo("/api/me");
    }

    @Test
    void aBurstOf401IsReported() {
        for (int i = 0; i < 5; i++) {
            send(client(), request("/api/records/labs", "192.0.2.150").GET().build());
        }
        assertThat(KafkaEvents.await(
                        KAFKA.bootstrapServers(),
                        "portal.security.events",
                        SecurityEvent.class,
                        event -> event.getKind().equals("auth.burst_401")
                                && event.getClientIp().equals("192.0.2.150"),
                        Duration.ofSeconds(60)))
                .isPresent();
        HttpResponse<String> metrics = send(
                HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                        .GET()
                        .build());
        assertThat(metrics.body())
                .contains("gateway_security_events_total{")
                .contains("kind=\"auth.burst_401\"")
                .contains("gateway_auth_failures_total{");
    }

    @Test
    void metricsPerRouteAreOnTheManagementPortOnly() {
        get("/api/terms/current", null);
        HttpResponse<String> metrics = send(
                HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                        .GET()
                        .build());
        assertThat(metrics.statusCode()).isEqualTo(200);
        // the series the alert rules in deploy/monitoring/gateway-alerts.yml rely on
        assertThat(metrics.body())
                .contains("spring_cloud_gateway_requests_seconds_count{")
                .contains("spring_cloud_gateway_requests_seconds_bucket{")
                .contains("routeId=\"identity-terms\"")
                .contains("http_server_requests_seconds_count{")
                .contains("http_server_requests_seconds_bucket{");
        assertProblem(get("/actuator/prometheus", null), 404);
        assertProblem(get("/actuator/maintenance", null), 404);
        assertProblem(get("/actuator/env", null), 404);
    }

    @Test
    void traceContextIsPropagatedToIdentityAndRecordsService() {
        String token = mobileToken(patient("traced"));
        HttpResponse<String> me = get("/api/me", token);
        String downstream = tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(me.body())
                .path("traceparent")
                .asString(null);
        assertThat(downstream)
                .as("W3C trace context to identity-service")
                .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");

        assertThat(get("/api/records/summary", token).statusCode()).isEqualTo(200);
        assertThat(RECORDS.lastTraceparent.get())
                .as("W3C trace context in gRPC metadata")
                .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    }

    @Test
    void healthIsUpOnThePublicPort() {
        HttpResponse<String> health = get("/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void onlyTls12And13WithStrongCiphersAreSpoken() throws Exception {
        assertThat(handshake("TLSv1.3", null)).isEqualTo("TLSv1.3");
        assertThat(handshake("TLSv1.2", null)).isEqualTo("TLSv1.2");
        assertThat(handshake("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"))
                .isEqualTo("TLSv1.2");
        // CBC suites are not among the configured ones
        assertThatThrownBy(() -> handshake("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void clientInitiatedRenegotiationIsRefused() throws Exception {
        try (SSLSocket socket = (SSLSocket) sslContext().getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {"TLSv1.2"}); // TLS 1.3 has no renegotiation to refuse
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThatThrownBy(() -> {
                        socket.startHandshake(); // a second handshake on the same connection: renegotiation
                        // the JDK client renegotiates lazily, with the next application data
                        socket.getOutputStream()
                                .write("GET /actuator/health HTTP/1.1\r\nHost: localhost\r\n\r\n"
                                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        socket.getOutputStream().flush();
                        byte[] answer = socket.getInputStream().readNBytes(12);
                        throw new AssertionError("renegotiated, then read " + new String(answer));
                    })
                    .isInstanceOf(javax.net.ssl.SSLException.class);
        }
    }

    private String handshake(String protocol, String cipher) throws Exception {
        try (SSLSocket socket = (SSLSocket) sslContext().getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {protocol});
            if (cipher != null) {
                socket.setEnabledCipherSuites(new String[] {cipher});
            }
            socket.startHandshake();
            return socket.getSession().getProtocol();
        }
    }

    @Test
    void theGatewaysOwnApiIsDescribed() {
        HttpResponse<String> docs = get("/v3/api-docs", null);
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body())
                .contains("/api/records/summary")
                .contains("/api/records/export")
                .contains("/api/records/documents/{id}")
                .contains("/auth/session")
                .contains("bearer");
    }
}
