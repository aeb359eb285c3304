package health.portal.billing.money;

import health.portal.platform.problem.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.regex.Pattern;

/**
 * The one reading of an amount a request names: a positive decimal string with no more fraction digits than its
 * currency has, in the account's currency. Anything else is the problem {@code invalid-amount}.
 */
public final class Amounts {

    public static final String INVALID_AMOUNT = "invalid-amount";

    // digits with an optional fraction: no sign, no exponent, no grouping, so that "1e3" or "-0" never pass
    private static final Pattern DECIMAL = Pattern.compile("\\d{1,15}(\\.\\d{1,10})?");

    private Amounts() {}

    /** The amount in minor units of {@code accountCurrency}. */
    public static long parse(String amount, String currency, String accountCurrency) {
        if (amount == null || !DECIMAL.matcher(amount).matches()) {
            throw invalid("The amount must be a positive decimal number such as 120.00.");
        }
        if (currency == null || !currency.equals(accountCurrency)) {
            throw invalid("The amount must be in the account's currency, " + accountCurrency + ".");
        }
        int digits = Math.max(0, Currency.getInstance(accountCurrency).getDefaultFractionDigits());
        BigDecimal value = new BigDecimal(amount);
        if (value.scale() > digits) {
            throw invalid(accountCurrency + " amounts have at most " + digits + " decimal places.");
        }
        if (value.signum() <= 0) {
            throw invalid("The amount must be greater than zero.");
        }
        return value.movePointRight(digits).longValueExact();
    }

    public static ErrorResponseException invalid(String detail) {
        return Problems.exception(HttpStatus.BAD_REQUEST, INVALID_AMOUNT, "Invalid amount", detail);
    }
}
