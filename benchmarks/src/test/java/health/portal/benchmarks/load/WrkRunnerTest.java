package health.portal.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.portal.benchmarks.report.Row;
import org.junit.jupiter.api.Test;

class WrkRunnerTest {

    @Test
    void readsThroughputPercentilesAndErrorsFromWrksOutput() {
        String output = """
                Running 10s test @ https://127.0.0.1:4443/api/me
                  2 threads and 50 connections
                  1000 requests in 10.00s, 1.00MB read
                  Non-2xx or 3xx responses: 7
                WRK-RESULT requests=1000 duration_us=10000000 connect=0 read=2 write=0 status=7 timeout=1 p50=1500 p90=3000 p99=9000 max=20000
                """;

        Row row = WrkRunner.parse("gateway", 50, output);

        assertThat(row.requests()).isEqualTo(1000);
        assertThat(row.throughput()).isEqualTo(100.0);
        assertThat(row.p50()).isEqualTo(1500);
        assertThat(row.p90()).isEqualTo(3000);
        assertThat(row.p99()).isEqualTo(9000);
        assertThat(row.max()).isEqualTo(20000);
        assertThat(row.errorCount()).isEqualTo(10);
        assertThat(row.errors()).contains("non-2xx/3xx=7").contains("read=2").contains("timeout=1");
    }

    @Test
    void refusesOutputWithoutAResult() {
        assertThatThrownBy(() -> WrkRunner.parse("gateway", 50, "unable to connect to 127.0.0.1:1 Connection refused"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Connection refused");
    }
}
