package health.portal.identity.enrollment;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** This installation's id (from its database), the mark on the Keycloak users its enrollments create. */
@Component
class Installation {

    private final JdbcClient db;
    private volatile String id;

    Installation(JdbcClient db) {
        this.db = db;
    }

    String id() {
        if (id == null) {
            id = db.sql("select installation_id::text from portal_installation where id = 1")
                    .query(String.class)
                    .single();
        }
        return id;
    }
}
