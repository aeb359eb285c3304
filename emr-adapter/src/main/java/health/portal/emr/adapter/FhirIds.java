package health.portal.emr.adapter;

import java.util.regex.Pattern;

/** FHIR logical ids: [A-Za-z0-9\-\.]{1,64}. Anything else never reaches the EMR. */
public final class FhirIds {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private FhirIds() {}

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    public static String require(String id, String what) {
        if (!isValid(id)) {
            throw new IllegalArgumentException(what + " is not a valid FHIR id");
        }
        return id;
    }
}
