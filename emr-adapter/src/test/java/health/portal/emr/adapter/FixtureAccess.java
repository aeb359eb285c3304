package health.portal.emr.adapter;

import java.io.IOException;
import java.util.List;

/** Lets tests in sub-packages use the package-private fixture server. */
public final class FixtureAccess {

    private FixtureAccess() {}

    public static AutoCloseable server(String... fixtures) throws IOException {
        return new FixtureFhirServer(fixtures);
    }

    public static String baseUrl(AutoCloseable server) {
        return ((FixtureFhirServer) server).baseUrl();
    }

    public static void requireBearer(AutoCloseable server, String token) {
        ((FixtureFhirServer) server).requiredBearer = token;
    }

    public static List<String> authorizations(AutoCloseable server) {
        return ((FixtureFhirServer) server).authorizations;
    }
}
