package health.portal.billing.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.web.ErrorResponseException;

class AmountsTest {

    @Test
    void readsDecimalStringsIntoMinorUnitsOfTheCurrency() {
        assertThat(Amounts.parse("120.00", "USD", "USD")).isEqualTo(12_000);
        assertThat(Amounts.parse("120", "USD", "USD")).isEqualTo(12_000);
        assertThat(Amounts.parse("0.01", "USD", "USD")).isEqualTo(1);
        assertThat(Amounts.parse("1500", "JPY", "JPY")).isEqualTo(1_500);
        assertThat(Amounts.parse("1.234", "BHD", "BHD")).isEqualTo(1_234);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1.00", "0", "0.00", "12.345", "12.340", "1e3", "1,000.00", " 1.00", "+1", ".5", ""})
    void refusesNegativeZeroOverPreciseAndMalformedAmounts(String amount) {
        assertThatThrownBy(() -> Amounts.parse(amount, "USD", "USD"))
                .isInstanceOfSatisfying(ErrorResponseException.class, e -> {
                    assertThat(e.getStatusCode().value()).isEqualTo(400);
                    assertThat(e.getBody().getType().toString())
                            .isEqualTo("https://portal.health/problems/invalid-amount");
                });
    }

    @Test
    void refusesAnotherCurrencyThanTheAccounts() {
        assertThatThrownBy(() -> Amounts.parse("1.00", "EUR", "USD")).isInstanceOf(ErrorResponseException.class);
        assertThatThrownBy(() -> Amounts.parse("1", "JPY", "USD")).isInstanceOf(ErrorResponseException.class);
    }

    @Test
    void moneyShowsTheExactAmountAsADecimalString() {
        assertThat(Money.of(12_345, "USD")).isEqualTo(new Money(12_345, "USD", "123.45"));
        assertThat(Money.of(-5, "USD").amount()).isEqualTo("-0.05");
        assertThat(Money.of(1_500, "JPY").amount()).isEqualTo("1500");
    }
}
