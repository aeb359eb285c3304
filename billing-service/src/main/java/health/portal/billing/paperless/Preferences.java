package health.portal.billing.paperless;

import health.portal.billing.audit.Actor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;

/** The preference rows and their history: who changed it, when and from where. */
@Component
class Preferences {

    private static final RowMapper<PaperlessPreference> ROW = (rs, n) -> new PaperlessPreference(
            rs.getString("patient_id"),
            rs.getBoolean("paperless") ? Delivery.PAPERLESS : Delivery.MAIL,
            rs.getTimestamp("since").toInstant(),
            ChangedBy.valueOf(rs.getString("changed_by")));

    private final JdbcTemplate jdbc;

    Preferences(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Optional<PaperlessPreference> find(String patientId) {
        return jdbc.query("select * from paperless_preference where patient_id = ?", ROW, patientId).stream()
                .findFirst();
    }

    /**
     * The row locked against change until the caller's transaction ends: {@code share} for a reader that must see
     * the committed preference and keep it so (a statement being issued), else for update.
     */
    Optional<PaperlessPreference> lock(String patientId, boolean share) {
        return jdbc
                .query(
                        "select * from paperless_preference where patient_id = ? for " + (share ? "share" : "update"),
                        ROW,
                        patientId)
                .stream()
                .findFirst();
    }

    /** Inserts the first preference; false when the patient has one already. */
    boolean insertFirst(PaperlessPreference preference) {
        return jdbc.update(
                        """
                        insert into paperless_preference (patient_id, paperless, since, changed_by)
                        values (?, ?, ?, ?) on conflict (patient_id) do nothing""",
                        preference.patientId(),
                        preference.paperless(),
                        Timestamp.from(preference.since()),
                        preference.changedBy().name())
                == 1;
    }

    void update(PaperlessPreference preference) {
        jdbc.update(
                "update paperless_preference set paperless = ?, since = ?, changed_by = ? where patient_id = ?",
                preference.paperless(),
                Timestamp.from(preference.since()),
                preference.changedBy().name(),
                preference.patientId());
    }

    void recordChange(PaperlessPreference preference, Actor actor, String sourceEventId) {
        jdbc.update(
                """
                insert into paperless_change (patient_id, paperless, changed_at, changed_by, actor_id, actor_name,
                                              client_ip, user_agent, source_event_id)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                preference.patientId(),
                preference.paperless(),
                Timestamp.from(preference.since()),
                preference.changedBy().name(),
                actor.id(),
                actor.name(),
                actor.clientIp(),
                actor.userAgent(),
                sourceEventId);
    }

    /** The patients with a preference: everyone enrolled in the portal. */
    List<String> patients() {
        return jdbc.queryForList("select patient_id from paperless_preference order by patient_id", String.class);
    }
}
