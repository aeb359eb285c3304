package health.portal.infra.postgres;

/** A database created for one test run and dropped when the run ends. */
public final class ThrowawayDatabase implements AutoCloseable {

    private final PostgresServer server;
    private final String name;
    private volatile Login login;

    ThrowawayDatabase(PostgresServer server, String name) {
        this.server = server;
        this.name = name;
    }

    /** A role that can log in, with its password. */
    public record Login(String username, String password) {}

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return server.jdbcUrl(name);
    }

    /** The server's administrator (a superuser): owns what it creates here. */
    public String username() {
        return server.username();
    }

    public String password() {
        return server.password();
    }

    /**
     * A login role of this database's own, created at the first call and dropped with the database: the role a
     * service connects as when it must not own its tables. It has no privileges until the migrations grant them.
     */
    public Login applicationLogin() {
        if (login == null) {
            synchronized (this) {
                if (login == null) {
                    String password = PostgresServer.randomPassword();
                    server.ensureLoginRole(loginRoleOf(name), password);
                    login = new Login(loginRoleOf(name), password);
                }
            }
        }
        return login;
    }

    static String loginRoleOf(String database) {
        return database + "_app";
    }

    @Override
    public void close() {
        server.dropDatabase(name);
    }
}
