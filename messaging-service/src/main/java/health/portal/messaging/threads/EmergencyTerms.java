package health.portal.messaging.threads;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/**
 * Words that mean "call 9-1-1 now", looked for in a message as the patient typed it. Deliberately a short, generous
 * list: a false alarm costs a warning and a place at the top of the queue, a miss may cost a life. Matched as whole
 * words after normalisation (case, accents, curly apostrophes, punctuation, repeated spaces), so that
 * "CHEST-PAIN!!" and "can’t  breathe" count.
 */
final class EmergencyTerms {

    private static final List<String> TERMS = List.of(
            "chest pain",
            "chest pressure",
            "chest tightness",
            "heart attack",
            "can't breathe",
            "cant breathe",
            "cannot breathe",
            "can not breathe",
            "unable to breathe",
            "shortness of breath",
            "short of breath",
            "difficulty breathing",
            "trouble breathing",
            "struggling to breathe",
            "choking",
            "suicidal",
            "suicide",
            "kill myself",
            "killing myself",
            "end my life",
            "want to die",
            "hurt myself",
            "overdose",
            "overdosed",
            "took too many pills",
            "face drooping",
            "face is drooping",
            "facial droop",
            "slurred speech",
            "slurring",
            "arm weakness",
            "numb on one side",
            "having a stroke",
            "stroke symptoms",
            "signs of a stroke",
            "severe bleeding",
            "bleeding heavily",
            "won't stop bleeding",
            "wont stop bleeding",
            "unconscious",
            "passed out",
            "unresponsive",
            "seizure",
            "anaphylaxis",
            "throat is closing",
            "throat closing",
            "coughing up blood",
            "vomiting blood");

    private EmergencyTerms() {}

    static boolean foundIn(String... texts) {
        for (String text : texts) {
            if (text == null) {
                continue;
            }
            String normal = " " + normalise(text) + " ";
            for (String term : TERMS) {
                if (normal.contains(" " + term + " ")) {
                    return true;
                }
            }
        }
        return false;
    }

    static String normalise(String text) {
        String folded = Normalizer.normalize(text, Normalizer.Form.NFKD)
                .replaceAll("\\p{M}", "")
                .replace('\u2019', '\'')
                .replace('\u2018', '\'')
                .replace('`', '\'')
                .toLowerCase(Locale.ROOT);
        return folded.replaceAll("[^a-z0-9']+", " ").trim();
    }
}
