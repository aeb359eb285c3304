package health.portal.benchmarks.records;

import health.portal.benchmarks.support.LoopbackHttp;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** The ids of every patient the EMR sandbox serves (clones included), read page by page from its FHIR API. */
final class SandboxPatients {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SandboxPatients() {}

    static List<String> list(String fhirBaseUrl) {
        HttpClient http = LoopbackHttp.client();
        List<String> ids = new ArrayList<>();
        String next = fhirBaseUrl + "/Patient?_count=500";
        for (int page = 0; next != null && page < 1000; page++) {
            HttpResponse<String> response = LoopbackHttp.get(http, next, null);
            if (response == null || response.statusCode() != 200) {
                throw new IllegalStateException("the sandbox did not list its patients: "
                        + (response == null ? "no answer" : response.statusCode()));
            }
            JsonNode bundle = JSON.readTree(response.body());
            for (JsonNode entry : bundle.path("entry")) {
                ids.add(entry.path("resource").path("id").asString());
            }
            next = null;
            for (JsonNode link : bundle.path("link")) {
                if ("next".equals(link.path("relation").asString())) {
                    next = link.path("url").asString();
                }
            }
        }
        return ids;
    }
}
