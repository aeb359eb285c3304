package health.portal.emr.sandbox.fhir;

import ca.uhn.fhir.context.FhirContext;
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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /**
     * As {@link #candidates}, but a search naming one exact identifier ({@code identifier=system|value}: a conditional
     * create's check, a thread's messages) is answered from the store's identifier index where that is complete, as
     * an EMR answers it, not by looking at every resource of the type: the portal asks one per message it files.
     */
    static List<ResourceView> candidates(
            FhirStore store, String type, TokenAndListParam identifier, ReferenceParam... patientParams) {
        String exact = exactIdentifier(identifier);
        if (exact == null || !store.identifierIndexComplete(type)) {
            return candidates(store, type, patientParams);
        }
        List<ResourceView> indexed = store.byIdentifier(type, exact);
        for (ReferenceParam param : patientParams) {
            if (param == null || param.getMissing() != null) {
                continue;
            }
            if (param.getResourceType() != null && !param.getResourceType().equals("Patient")) {
                return List.of();
            }
            String patientId = param.getIdPart();
            if (patientId == null || patientId.isBlank()) {
                throw new InvalidRequestException("Empty patient reference");
            }
            indexed = indexed.stream()
                    .filter(view -> patientId.equals(view.patientId()))
                    .toList();
        }
        return indexed;
    }

    /** The one {@code system|value} a search names, or null for none, several, a modifier or no system. */
    private static String exactIdentifier(TokenAndListParam identifier) {
        if (identifier == null || identifier.getValuesAsQueryTokens().size() != 1) {
            return null;
        }
        List<TokenParam> or = identifier.getValuesAsQueryTokens().getFirst().getValuesAsQueryTokens();
        if (or.size() != 1 || or.getFirst().getModifier() != null) {
            return null;
        }
        TokenParam token = or.getFirst();
        if (token.getSystem() == null || token.getSystem().isEmpty() || token.getValue() == null) {
            return null;
        }
        return token.getSystem() + "|" + token.getValue();
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

    /** The search parameter and sort key of a resource's {@code meta.lastUpdated}. */
    static final String LAST_UPDATED = "_lastUpdated";

    /**
     * The views whose {@code meta.lastUpdated} lies in the range (all of them without one), sorted as asked: by
     * {@code _lastUpdated} here, any other supported key by {@link #sort}. The index holds no lastUpdated, so the
     * bodies are parsed, once per search and only when the search asks for it; a poller's searches are few.
     */
    static List<ResourceView> lastUpdated(
            FhirContext fhir, List<ResourceView> views, DateRangeParam range, SortSpec sort, String... supported) {
        boolean filter = range != null && !range.isEmpty();
        boolean byLastUpdated = sort != null && LAST_UPDATED.equals(sort.getParamName());
        if (!filter && !byLastUpdated) {
            return sort(views, sort, supported);
        }
        Map<ResourceView, Long> updated = new IdentityHashMap<>();
        for (ResourceView view : views) {
            Date at = view.resource(fhir).getMeta().getLastUpdated();
            updated.put(view, at == null ? null : at.getTime());
        }
        List<ResourceView> matching = views;
        if (filter) {
            Date lower = range.getLowerBoundAsInstant();
            Date upper = range.getUpperBoundAsInstant();
            matching = views.stream()
                    .filter(v -> {
                        Long at = updated.get(v);
                        return at != null
                                && (lower == null || at >= lower.getTime())
                                && (upper == null || at <= upper.getTime());
                    })
                    .toList();
        }
        if (!byLastUpdated) {
            return sort(matching, sort, supported);
        }
        if (sort.getChain() != null) {
            throw new InvalidRequestException("Only one _sort parameter is supported");
        }
        Comparator<Long> order =
                sort.getOrder() == SortOrderEnum.DESC ? Comparator.reverseOrder() : Comparator.naturalOrder();
        return matching.stream()
                .sorted(Comparator.comparing(updated::get, Comparator.nullsLast(order)))
                .toList();
    }
}
