package health.portal.infra.postgres;

/** A database created for one test run and dropped when the run ends. */
public final class ThrowawayDatabase implements AutoCloseable {

    private final PostgresServer server;
    private final String name;

    ThrowawayDatabase(PostgresServer server, String name) {
        this.server = server;
        this.name = name;
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return server.jdbcUrl(name);
    }

    public String username() {
        return server.username();
    }

    public String password() {
        return server.password();
    }

    @Override
    public void close() {
        server.dropDatabase(name);
    }
}
