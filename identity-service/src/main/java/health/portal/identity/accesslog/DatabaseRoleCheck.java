package health.portal.identity.accesslog;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Refuses to start when the service's own database role could rewrite the access log: a superuser, the owner of its
 * table (or a member of the owner's role), or a role granted update, delete, truncate or triggers on it. Such a role
 * could disable the append-only trigger and remove entries itself; the service must connect as the application role
 * and leave the migrations to the owner ({@code spring.flyway.user}).
 *
 * <p>Depends on a {@link JdbcTemplate}, so Spring Boot runs it after the migrations.
 */
@Component
class DatabaseRoleCheck implements InitializingBean {

    private final JdbcTemplate jdbc;

    DatabaseRoleCheck(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void afterPropertiesSet() {
        Map<String, Object> role = jdbc.queryForMap("""
                select current_user as name,
                       r.rolsuper as superuser,
                       pg_has_role(current_user, c.relowner, 'MEMBER') as owner,
                       has_table_privilege('access_log_entry', 'UPDATE') as can_update,
                       has_table_privilege('access_log_entry', 'DELETE') as can_delete,
                       has_table_privilege('access_log_entry', 'TRUNCATE') as can_truncate,
                       has_table_privilege('access_log_entry', 'TRIGGER') as can_trigger
                from pg_roles r, pg_class c
                where r.rolname = current_user and c.oid = 'access_log_entry'::regclass""");
        List<String> powers = new ArrayList<>();
        if (Boolean.TRUE.equals(role.get("superuser"))) {
            powers.add("is a superuser");
        }
        if (Boolean.TRUE.equals(role.get("owner"))) {
            powers.add("owns access_log_entry (or is a member of its owner)");
        }
        for (String privilege : List.of("update", "delete", "truncate", "trigger")) {
            if (Boolean.TRUE.equals(role.get("can_" + privilege))) {
                powers.add("may " + privilege + " access_log_entry");
            }
        }
        if (!powers.isEmpty()) {
            throw new IllegalStateException("identity-service connects to PostgreSQL as " + role.get("name")
                    + ", which "
                    + String.join(", ", powers) + ": it could rewrite the access log. Connect as the application role"
                    + " (spring.datasource.username, IDENTITY_DB_USERNAME) and migrate as the owner"
                    + " (spring.flyway.user, IDENTITY_DB_OWNER_USERNAME).");
        }
    }
}
