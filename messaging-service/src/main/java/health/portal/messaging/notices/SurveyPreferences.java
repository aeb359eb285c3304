package health.portal.messaging.notices;

/**
 * Whether a patient takes survey requests: the "no surveys" preference lives with the questionnaires (the core of
 * messaging-service), which implements this; the notices only ask, at sending time, so a change made after the
 * survey was assigned still counts.
 */
public interface SurveyPreferences {

    boolean acceptsSurveys(String patientId);
}
