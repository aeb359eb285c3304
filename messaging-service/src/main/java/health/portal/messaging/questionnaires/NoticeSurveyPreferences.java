package health.portal.messaging.questionnaires;

import health.portal.messaging.notices.SurveyPreferences;
import org.springframework.stereotype.Component;

/** The notices ask here, at sending time, so that a "no surveys" given after the assignment still holds. */
@Component
class NoticeSurveyPreferences implements SurveyPreferences {

    private final Assignments assignments;

    NoticeSurveyPreferences(Assignments assignments) {
        this.assignments = assignments;
    }

    @Override
    public boolean acceptsSurveys(String patientId) {
        return assignments.surveysWanted(patientId);
    }
}
