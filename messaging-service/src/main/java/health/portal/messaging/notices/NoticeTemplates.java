package health.portal.messaging.notices;

/**
 * The fixed texts of the notices. E-mail is not a safe place for health information: no provider, subject, body,
 * result, amount or name, not even the patient's; only that there is something in the portal, and the link to it.
 * The overdue notice names no phone number: the number is the practice's, and which practice a patient goes to is
 * itself health information.
 */
final class NoticeTemplates {

    record Mail(String subject, String text) {}

    private static final String FOOTER = """

            This e-mail was sent automatically and contains no health information; please do not reply to it.
            Messages in the portal are not for emergencies: for an emergency go to the emergency room or dial 9-1-1.
            """;

    private NoticeTemplates() {}

    static Mail of(NoticeKind kind, String portalUrl) {
        return switch (kind) {
            case NEW_MESSAGE ->
                new Mail(
                        "You have a new message",
                        "You have a new message in your Patient Portal. Please sign in to read it:\n" + portalUrl
                                + "\n");
            case RESPONSE_OVERDUE ->
                new Mail(
                        "No answer yet: please call your clinic's office",
                        "A message you sent through your Patient Portal has not been answered yet. Please call your "
                                + "clinic's office.\nYou can see your messages at:\n" + portalUrl + "\n");
            case SURVEY ->
                new Mail(
                        "You have a new survey",
                        "Your care team asks you to fill in a survey in your Patient Portal. Please sign in to answer it:\n"
                                + portalUrl + "\n\nYou can turn off survey requests at any time in the Questionnaires "
                                + "area of the portal.\n");
            case LESSON ->
                new Mail(
                        "You have new education material",
                        "Your care team has shared education material with you in your Patient Portal. Please sign in "
                                + "to read it:\n" + portalUrl + "\n");
            case NEW_INFORMATION ->
                new Mail(
                        "You have new information",
                        "You have new information in your Patient Portal. Please sign in to see it:\n" + portalUrl
                                + "\n");
            case NEW_STATEMENT ->
                new Mail(
                        "You have a new statement",
                        "A new statement is available in your Patient Portal. Please sign in to see it:\n" + portalUrl
                                + "\n");
        };
    }

    static Mail withFooter(Mail mail) {
        return new Mail(mail.subject(), mail.text() + FOOTER);
    }
}
