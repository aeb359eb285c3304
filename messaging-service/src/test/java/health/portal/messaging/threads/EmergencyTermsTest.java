package health.portal.messaging.threads;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EmergencyTermsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "I have had chest pain since this morning",
                "CHEST-PAIN!!",
                "I can’t breathe properly", // a phone's curly apostrophe
                "i cant  breathe",
                "I cannot breathe when I lie down",
                "Shortness of breath after the new pills",
                "I feel suicidal",
                "I want to kill myself",
                "I think I took an overdose",
                "my husband's face drooping and slurred speech",
                "sudden arm weakness on the left",
                "Überdosis? no: overdosed on my meds",
            })
    void findsEmergencies(String text) {
        assertThat(EmergencyTerms.foundIn("Question", text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Please renew my lisinopril prescription",
                "Can I move my appointment to Tuesday?",
                "My chest x-ray bill looks wrong",
                "I breathe better since the inhaler",
                "<script>alert(1)</script>",
            })
    void leavesOrdinaryMessagesAlone(String text) {
        assertThat(EmergencyTerms.foundIn("Question", text)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Chest pain", "Overdose"})
    void looksAtTheSubjectToo(String subject) {
        assertThat(EmergencyTerms.foundIn(subject, "see subject")).isTrue();
    }
}
