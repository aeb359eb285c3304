package health.portal.identity.web;

/** Keycloak or records-service did not answer; the request may be retried. */
public class DependencyUnavailableException extends RuntimeException {

    private final String dependency;

    public DependencyUnavailableException(String dependency, Throwable cause) {
        super(dependency + " unavailable: " + cause, cause);
        this.dependency = dependency;
    }

    public String dependency() {
        return dependency;
    }
}
