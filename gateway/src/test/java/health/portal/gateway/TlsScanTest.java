package health.portal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An external TLS scan of the test gateway by Debian's testssl.sh ({@code .ci/run} installs it): no finding rated
 * MEDIUM, HIGH or CRITICAL. testssl trusts the gateway's generated certificate ({@code --add-ca}) and writes its
 * findings as JSON.
 */
class TlsScanTest extends GatewayTestBase {

    private static final Set<String> FAILING = Set.of("MEDIUM", "HIGH", "CRITICAL", "FATAL");

    @Test
    void testsslFindsNothingRatedMediumOrWorse() throws Exception {
        Path testssl = Stream.of("/usr/bin/testssl", "/usr/bin/testssl.sh", "/usr/local/bin/testssl.sh")
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        if (testssl == null) {
            assertThat(System.getenv("CI"))
                    .as("testssl.sh is installed in CI (.ci/run)")
                    .isNull();
            Assumptions.abort("testssl.sh is not installed (apt-get install testssl.sh)");
        }
        Path work = Files.createTempDirectory("gateway-testssl-");
        Path ca = work.resolve("gateway-certificate.pem");
        Files.writeString(
                ca,
                "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(generatedCertificate
                                        .certificate()
                                        .orElseThrow()
                                        .getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
        Path findings = work.resolve("findings.json");
        Path output = work.resolve("testssl.log");
        List<String> command = List.of(
                testssl.toString(),
                "--quiet",
                "--color",
                "0",
                "--warnings",
                "off",
                "--nodns",
                "none",
                "--ip",
                "127.0.0.1",
                "--connect-timeout",
                "10",
                "--openssl-timeout",
                "10",
                "--add-ca",
                ca.toString(),
                "--jsonfile",
                findings.toString(),
                // What the scan checks: protocols, cipher categories, forward secrecy, the server's defaults and
                // certificate, its preferences, every vulnerability test (renegotiation among them) and the HTTP
                // headers. Left out for run time, as they say nothing about this server's configuration: the
                // client simulations (-c, dozens of handshakes with other clients' settings) and the per-cipher
                // enumeration (-e/-E, one handshake per cipher OpenSSL knows; -s and -f cover the categories).
                "--protocols",
                "--std",
                "--fs",
                "--server-defaults",
                "--server-preference",
                "--vulnerable",
                "--headers",
                "https://localhost:" + port + "/");
        ProcessBuilder scan = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // The certificate is generated at each start and valid 30 days; the default warnings (60 and 30 days before
        // expiry, MEDIUM and HIGH) are for long-lived certificates someone has to renew.
        scan.environment().put("DAYS2WARN1", "14");
        scan.environment().put("DAYS2WARN2", "7");
        Process process = scan.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("testssl did not finish in 10 minutes: " + tail(output));
        }
        assertThat(findings)
                .as("testssl's findings; its output: %s", tail(output))
                .exists();

        boolean selfSigned = generatedCertificate.certificate().isPresent();
        JsonNode all = JsonMapper.builder().build().readTree(findings.toFile());
        List<String> bad = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (JsonNode finding : all) {
            String id = finding.path("id").asString("");
            ids.add(id);
            // A certificate's revocation information comes from the CA that issues it. The generated self-signed
            // certificate of local and test runs has none to name; deployments bring CA-issued certificates.
            boolean selfSignedRevocation = id.equals("cert_revocation") && selfSigned;
            if (FAILING.contains(finding.path("severity").asString("")) && !selfSignedRevocation) {
                bad.add(finding.path("severity").asString() + " " + id + ": "
                        + finding.path("finding").asString(""));
            }
        }
        assertThat(bad)
                .as("testssl findings rated MEDIUM or worse (all in %s)", findings)
                .isEmpty();
        // the scan really ran against the gateway: the checks that matter are among the findings
        assertThat(ids)
                .contains("TLS1_3", "TLS1_2", "TLS1", "SSLv3", "secure_client_renego", "secure_renego", "BREACH")
                .contains("heartbleed", "ROBOT", "HSTS_time", "cert_chain_of_trust", "cipher_order")
                .anyMatch(id -> id.startsWith("cipherlist_"));
    }

    private static String tail(Path output) {
        try {
            List<String> lines = Files.readAllLines(output);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (java.io.IOException ex) {
            return "(no output: " + ex + ")";
        }
    }
}
