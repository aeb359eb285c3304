package health.portal.emr.sandbox.fhir;

import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import health.portal.emr.sandbox.store.FhirStore;
import health.portal.emr.sandbox.store.ResourceView;
import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.Invoice;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The financial record of the visits, as a hospital's EMR keeps it: the guarantor Account, a ChargeItem per billed
 * service (its code says what it was for: health information) and the Invoice of each visit.
 */
final class BillingProviders {

    private BillingProviders() {}

    static List<BaseProvider<?>> all(FhirStore store) {
        return List.of(new Accounts(store), new ChargeItems(store), new Invoices(store));
    }

    static final class Accounts extends BaseProvider<Account> {
        Accounts(FhirStore store) {
            super(store, Account.class);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = "_id") TokenAndListParam id,
                @OptionalParam(name = Account.SP_PATIENT) ReferenceParam patient,
                @OptionalParam(name = Account.SP_SUBJECT) ReferenceParam subject,
                @OptionalParam(name = Account.SP_IDENTIFIER) TokenAndListParam identifier) {
            return result(filter(
                    byId(store, typeName(), id, patient, subject), v -> Matching.tokens(v.identifiers(), identifier)));
        }
    }

    static final class ChargeItems extends BaseProvider<ChargeItem> {
        ChargeItems(FhirStore store) {
            super(store, ChargeItem.class);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = "_id") TokenAndListParam id,
                @OptionalParam(name = ChargeItem.SP_PATIENT) ReferenceParam patient,
                @OptionalParam(name = ChargeItem.SP_SUBJECT) ReferenceParam subject,
                @OptionalParam(name = ChargeItem.SP_ACCOUNT) ReferenceParam account,
                @OptionalParam(name = ChargeItem.SP_CONTEXT) ReferenceParam context,
                @OptionalParam(name = ChargeItem.SP_CODE) TokenAndListParam code,
                @OptionalParam(name = ChargeItem.SP_OCCURRENCE) DateRangeParam occurrence,
                @Sort SortSpec sort) {
            ReferenceParam accountRef = typed(account, "Account");
            ReferenceParam contextRef = typed(context, "Encounter");
            return result(Matching.sort(
                    filter(
                            byId(store, typeName(), id, patient, subject),
                            v -> Matching.reference(v.actors(), accountRef)
                                    && Matching.reference(v.actors(), contextRef)
                                    && Matching.tokens(v.codes(), code)
                                    && Matching.date(v, occurrence)),
                    sort,
                    "occurrence",
                    "date"));
        }
    }

    static final class Invoices extends BaseProvider<Invoice> {
        Invoices(FhirStore store) {
            super(store, Invoice.class);
        }

        @Search
        public IBundleProvider search(
                @OptionalParam(name = "_id") TokenAndListParam id,
                @OptionalParam(name = Invoice.SP_PATIENT) ReferenceParam patient,
                @OptionalParam(name = Invoice.SP_SUBJECT) ReferenceParam subject,
                @OptionalParam(name = Invoice.SP_ACCOUNT) ReferenceParam account,
                @OptionalParam(name = Invoice.SP_DATE) DateRangeParam date,
                @Sort SortSpec sort) {
            ReferenceParam accountRef = typed(account, "Account");
            return result(Matching.sort(
                    filter(
                            byId(store, typeName(), id, patient, subject),
                            v -> Matching.reference(v.actors(), accountRef) && Matching.date(v, date)),
                    sort,
                    "date"));
        }
    }

    /**
     * The candidates of a search, read by id when it names {@code _id} (a statement's few lines, not the patient's
     * whole history), each still required to be in the patient's record when the search names one.
     */
    private static List<ResourceView> byId(
            FhirStore store, String type, TokenAndListParam ids, ReferenceParam... patientParams) {
        if (ids == null) {
            return Matching.candidates(store, type, patientParams);
        }
        Map<String, ResourceView> named = new LinkedHashMap<>();
        for (TokenOrListParam or : ids.getValuesAsQueryTokens()) {
            for (TokenParam token : or.getValuesAsQueryTokens()) {
                store.read(type, token.getValue()).ifPresent(v -> named.putIfAbsent(v.id(), v));
            }
        }
        return named.values().stream()
                .filter(v -> inRecordOf(v, patientParams))
                .filter(v -> matchesEveryGroup(v, ids))
                .toList();
    }

    private static boolean inRecordOf(ResourceView view, ReferenceParam... patientParams) {
        for (ReferenceParam param : patientParams) {
            if (param == null || param.getMissing() != null) {
                continue;
            }
            boolean patientType =
                    param.getResourceType() == null || param.getResourceType().equals("Patient");
            if (!patientType || !param.getIdPart().equals(view.patientId())) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchesEveryGroup(ResourceView view, TokenAndListParam ids) {
        for (TokenOrListParam or : ids.getValuesAsQueryTokens()) {
            if (or.getValuesAsQueryTokens().stream().noneMatch(t -> view.id().equals(t.getValue()))) {
                return false;
            }
        }
        return true;
    }

    /** {@code account=acct-x} means Account/acct-x, never another type that shares the id. */
    private static ReferenceParam typed(ReferenceParam param, String type) {
        return param == null || param.getResourceType() != null
                ? param
                : new ReferenceParam(type + "/" + param.getIdPart());
    }
}
