package health.portal.proto;

import java.util.regex.Pattern;

/**
 * FHIR logical ids ({@code [A-Za-z0-9\-\.]{1,64}}, FHIR R4 "id" datatype): every patient, document and resource id
 * in the contracts of this project has this form. The one definition of it: bean-validation annotations use
 * {@link #PATTERN}, code uses {@link #isValid}; anything else never reaches the EMR.
 */
public final class FhirIds {

    /** The id grammar, to embed in a larger expression such as {@code "Binary/" + FhirIds.ID}. */
    public static final String ID = "[A-Za-z0-9\\-.]{1,64}";

    /** The same, anchored, for {@code @Pattern(regexp = FhirIds.PATTERN)}. */
    public static final String PATTERN = "^" + ID + "$";

    private static final Pattern COMPILED = Pattern.compile(PATTERN);

    private FhirIds() {}

    public static boolean isValid(String id) {
        return id != null && COMPILED.matcher(id).matches();
    }

    public static String require(String id, String what) {
        if (!isValid(id)) {
            throw new IllegalArgumentException(what + " is not a valid FHIR id");
        }
        return id;
    }
}
