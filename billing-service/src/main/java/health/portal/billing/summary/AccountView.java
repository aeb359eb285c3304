package health.portal.billing.summary;

import health.portal.billing.accounts.Account;
import health.portal.billing.ledger.Aging;
import health.portal.billing.money.Money;

/** The Account object of the API: its balance and the aging of its open charges. */
record AccountView(String accountId, String name, String currency, Money balance, AgingView aging) {

    record AgingView(Money current, Money days31To60, Money days61To90, Money over90) {}

    static AccountView of(Account account, long balance, Aging aging) {
        String c = account.currency();
        return new AccountView(
                account.accountId(),
                account.name(),
                c,
                Money.of(balance, c),
                new AgingView(
                        Money.of(aging.current(), c),
                        Money.of(aging.days31To60(), c),
                        Money.of(aging.days61To90(), c),
                        Money.of(aging.over90(), c)));
    }
}
