package health.portal.emr.sandbox.faults;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A FHIR request with its patient filter ({@code patient}, {@code subject}) taken out of the query. */
final class WithoutPatientFilter extends HttpServletRequestWrapper {

    private static final Set<String> PATIENT_PARAMETERS =
            Set.of("patient", "subject", "patient:Patient", "subject:Patient");

    WithoutPatientFilter(HttpServletRequest request) {
        super(request);
    }

    private static boolean patientParameter(String name) {
        return PATIENT_PARAMETERS.contains(name);
    }

    @Override
    public String getQueryString() {
        String query = super.getQueryString();
        if (query == null) {
            return null;
        }
        return Stream.of(query.split("&"))
                .filter(pair -> !patientParameter(URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8)))
                .collect(Collectors.joining("&"));
    }

    @Override
    public String getParameter(String name) {
        return patientParameter(name) ? null : super.getParameter(name);
    }

    @Override
    public String[] getParameterValues(String name) {
        return patientParameter(name) ? null : super.getParameterValues(name);
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        Map<String, String[]> all = new LinkedHashMap<>(super.getParameterMap());
        all.keySet().removeIf(WithoutPatientFilter::patientParameter);
        return Collections.unmodifiableMap(all);
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(getParameterMap().keySet());
    }
}
