package health.portal.billing.money;

import java.math.BigDecimal;
import java.util.Currency;

/**
 * An exact amount: minor units of one currency (java.util.Currency's fraction digits), with the same amount as a
 * decimal string for display. Never a floating-point number.
 */
public record Money(long amountMinor, String currency, String amount) {

    public static Money of(long amountMinor, String currency) {
        int digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        return new Money(
                amountMinor, currency, BigDecimal.valueOf(amountMinor, digits).toPlainString());
    }

    public static Money zero(String currency) {
        return of(0, currency);
    }
}
