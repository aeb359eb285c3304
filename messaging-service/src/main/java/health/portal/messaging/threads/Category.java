package health.portal.messaging.threads;

import java.util.Arrays;
import java.util.Optional;

/** What a patient's message is about (API.md); its code is workflow state, the only part of a topic stored here. */
enum Category {
    MEDICAL_QUESTION("medical-question"),
    PRESCRIPTION_RENEWAL("prescription-renewal"),
    APPOINTMENT("appointment"),
    BILLING("billing"),
    OTHER("other");

    final String code;

    Category(String code) {
        this.code = code;
    }

    static Optional<Category> ofCode(String code) {
        return Arrays.stream(values()).filter(c -> c.code.equals(code)).findFirst();
    }
}
