package health.portal.platform.problem;

/** Something the service needs (the identity provider, records-service, ...) did not answer; worth a retry. */
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
