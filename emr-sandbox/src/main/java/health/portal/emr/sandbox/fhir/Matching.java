package health.portal.emr.sandbox.fhir;

import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.portal.emr.sandbox.store.FhirStore;
import health.portal.emr.sandbox.store.ResourceView;

import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Search parameter semantics shared by the resource providers. */
final class Matching {

    private Matching() {}

    /**
     * The candidates of a search: the record of the patient named by {@code patient} / {@code subject}
     * ({@code Patient/x} or {@code x}), or every resource of the type when neither is given.
     */
    static List<ResourceView> candidates(FhirStore store, String type, ReferenceParam... patientParams) {
        String patientId = null;
        for (ReferenceParam param : patientParams) {
            if (param == null || param.getMissing() != null) {
                continue;
            }
            String resourceType = param.getResourceType();
            if (resourceType != null && !resourceType.equals("Patient")) {
                return List.of(); // subject=Group/x and the like: nothing here belongs to a non-patient
            }
            String id = param.getIdPart();
            if (id == null || id.isBlank()) {
                throw new InvalidRequestException("Empty patient reference");
            }
            if (patientId != null && !patientId.equals(id)) {
                return List.of();
            }
            patientId = id;
        }
        return patientId == null ? store.all(type) : store.forPatient(type, patientId);
    }

    static boolean date(ResourceView view, DateRangeParam range) {
        if (range == null || range.isEmpty()) {
            return true;
        }
        if (!view.hasDate()) {
            return false;
        }
        Date lower = range.getLowerBoundAsInstant();
        Date upper = range.getUpperBoundAsInstant();
        return (lower == null || view.dateHigh() >= lower.getTime())
                && (upper == null || view.dateLow() <= upper.getTime());
    }

    /** Every AND group must have one OR alternative matching one of the tokens ({@code system|code}). */
    static boolean tokens(List<String> tokens, TokenAndListParam param) {
        if (param == null) {
            return true;
        }
        for (TokenOrListParam or : param.getValuesAsQueryTokens()) {
            boolean any = false;
            for (TokenParam token : or.getValuesAsQueryTokens()) {
                if (token(tokens, token)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    static boolean token(List<String> tokens, TokenParam param) {
        String system = param.getSystem();
        String value = param.getValue();
        for (String token : tokens) {
            int bar = token.indexOf('|');
            String tokenSystem = token.substring(0, bar);
            String tokenValue = token.substring(bar + 1);
            boolean systemMatches = system == null || system.equals(tokenSystem);
            boolean valueMatches = value == null || value.isEmpty() || value.equals(tokenValue);
            if (systemMatches && valueMatches) {
                return true;
            }
        }
        return false;
    }

    /** FHIR string search: case-insensitive "starts with" on any name part, or equality with :exact. */
    static boolean string(List<String> values, StringParam param) {
        if (param == null) {
            return true;
        }
        String wanted = param.getValue().toLowerCase(Locale.ROOT);
        for (String value : values) {
            if (param.isExact()
                    ? value.equals(wanted)
                    : param.isContains() ? value.contains(wanted) : startsWithAnyWord(value, wanted)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWithAnyWord(String value, String wanted) {
        if (value.startsWith(wanted)) {
            return true;
        }
        for (String word : value.split("\\s+")) {
            if (word.startsWith(wanted)) {
                return true;
            }
        }
        return false;
    }

    static boolean reference(List<String> references, ReferenceParam param) {
        if (param == null) {
            return true;
        }
        String id = param.getIdPart();
        String type = param.getResourceType();
        for (String reference : references) {
            int slash = reference.lastIndexOf('/');
            String refType = slash < 0 ? null : reference.substring(0, slash);
            String refId = reference.substring(slash + 1);
            if (refId.equals(id) && (type == null || type.equals(refType))) {
                return true;
            }
        }
        return false;
    }

    /** Sorts by {@code date} (ascending) or {@code -date}; ties keep load order. */
    static List<ResourceView> sort(List<ResourceView> views, SortSpec sort, String... supported) {
        if (sort == null) {
            return views;
        }
        if (sort.getChain() != null) {
            throw new InvalidRequestException("Only one _sort parameter is supported");
        }
        String name = sort.getParamName();
        if (!List.of(supported).contains(name)) {
            throw new InvalidRequestException(
                    "Unsupported _sort parameter '" + name + "'; supported: " + String.join(", ", supported));
        }
        Function<ResourceView, Long> key = view -> view.hasDate() ? view.dateLow() : null;
        Comparator<ResourceView> byDate = Comparator.comparing(key, Comparator.nullsLast(Comparator.naturalOrder()));
        if (sort.getOrder() == SortOrderEnum.DESC) {
            byDate = Comparator.comparing(key, Comparator.nullsLast(Comparator.<Long>reverseOrder()));
        }
        return views.stream().sorted(byDate).toList();
    }
}
