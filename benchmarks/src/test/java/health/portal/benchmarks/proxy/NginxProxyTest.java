package health.portal.benchmarks.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import health.portal.benchmarks.support.LoopbackHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;

/** The reference proxy relays the backend's answer over TLS and passes the bearer token on (needs nginx). */
class NginxProxyTest {

    @TempDir
    Path directory;

    @Test
    void relaysTheBackendsAnswerWithTheToken() {
        assumeTrue(NginxProxy.available(), "nginx is not installed");
        try (FixedJsonBackend backend = FixedJsonBackend.start(200);
                NginxProxy nginx = NginxProxy.start(backend.port(), directory)) {
            HttpResponse<String> answer = LoopbackHttp.get(LoopbackHttp.client(), nginx.url("/api/me"), "a-token");

            assertThat(answer).isNotNull();
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(FixedJsonBackend.BODY);
            assertThat(backend.servedWithBearer()).isEqualTo(1);
        }
    }
}
