package health.portal.billing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/** The billing system's postings: idempotent by external id, bad input as problems, and a ledger that balances. */
class PostingTest extends BillingTestBase {

    @Test
    void theSamePostingAgainIs200WithTheOriginalAndADifferentOneWithTheSameIdIs409() {
        String account = knownAccount();
        Map<String, Object> charge = posting("HB-" + account + "-1", account, "CHARGE", "120.00", "2026-11-03");

        Answer first = postPosting(charge);
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().get("amount").get("amountMinor").asLong()).isEqualTo(12000);
        assertThat(first.json().get("amount").get("amount").asString()).isEqualTo("120.00");

        Answer replay = postPosting(charge);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().get("postingId").asString())
                .isEqualTo(first.json().get("postingId").asString());

        Map<String, Object> changed = new java.util.LinkedHashMap<>(charge);
        changed.put("amount", "121.00");
        Answer conflict = postPosting(changed);
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().get("type").asString())
                .isEqualTo("https://portal.health/problems/duplicate-posting");

        assertThat(balance(account)).isEqualTo(12000);
        assertThat(jdbc.queryForObject("select count(*) from posting where account_id = ?", Integer.class, account))
                .isEqualTo(1);
    }

    @Test
    void badAmountsUnknownAccountsAndWrongCurrenciesAreProblems() {
        String account = knownAccount();
        for (String amount : List.of("-5.00", "0", "0.00", "12.345", "1e3", "abc", "")) {
            Answer answer = postPosting(
                    posting("HB-bad-" + amount.hashCode() + account, account, "PAYMENT", amount, "2026-11-03"));
            assertThat(answer.status()).as(amount).isEqualTo(400);
            assertThat(answer.raw().headers().firstValue("Content-Type").orElse(""))
                    .contains("problem+json");
        }
        Answer precise = postPosting(posting("HB-precise-" + account, account, "PAYMENT", "12.345", "2026-11-03"));
        assertThat(precise.json().get("type").asString()).isEqualTo("https://portal.health/problems/invalid-amount");

        Map<String, Object> euros = posting("HB-eur-" + account, account, "PAYMENT", "10.00", "2026-11-03");
        euros.put("currency", "EUR");
        Answer wrongCurrency = postPosting(euros);
        assertThat(wrongCurrency.status()).isEqualTo(400);
        assertThat(wrongCurrency.json().get("type").asString())
                .isEqualTo("https://portal.health/problems/invalid-amount");

        Answer unknown =
                postPosting(posting("HB-unknown-" + account, "acct-nobody-here", "PAYMENT", "10.00", "2026-11-03"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("type").asString()).isEqualTo("https://portal.health/problems/unknown-account");

        Map<String, Object> chargeWithoutItem =
                posting("HB-noitem-" + account, account, "PAYMENT", "10.00", "2026-11-03");
        chargeWithoutItem.put("kind", "CHARGE");
        assertThat(postPosting(chargeWithoutItem).status()).isEqualTo(400);

        Map<String, Object> unknownKind = posting("HB-kind-" + account, account, "REFUND", "10.00", "2026-11-03");
        assertThat(postPosting(unknownKind).status()).isEqualTo(400);

        assertThat(balance(account)).isZero();
    }

    @Test
    void onlyTheBillingSystemMayPost() {
        String account = knownAccount();
        Map<String, Object> payment = posting("HB-who-" + account, account, "PAYMENT", "1.00", "2026-11-03");
        assertThat(post("/internal/billing/postings", null, payment).status()).isEqualTo(401);
        assertThat(post("/internal/billing/postings", tokens.client("portal-web"), payment)
                        .status())
                .isEqualTo(403);
        assertThat(post("/internal/billing/postings", tokens.patient("pat-someone"), payment)
                        .status())
                .isEqualTo(403);
    }

    @Test
    void afterARandomizedConcurrentRunOfPostsEveryAccountBalancesAndAllLinesSumToZero() throws Exception {
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            accounts.add(knownAccount());
        }
        Random random = new Random(20261201);
        List<Map<String, Object>> requests = new ArrayList<>();
        String[] kinds = {"CHARGE", "PAYMENT", "CREDIT_ADJUSTMENT", "DEBIT_ADJUSTMENT"};
        for (int i = 0; i < 160; i++) {
            String account = accounts.get(random.nextInt(accounts.size()));
            String kind = kinds[random.nextInt(kinds.length)];
            String amount = (1 + random.nextInt(50_000)) / 100 + "." + String.format("%02d", random.nextInt(100));
            Map<String, Object> request = posting("RND-" + account + "-" + i, account, kind, amount, "2026-10-15");
            switch (random.nextInt(8)) {
                case 0 -> request.put("amount", "-" + amount); // invalid
                case 1 -> request.put("amount", amount + "7"); // over-precise
                case 2 -> request.put("currency", "EUR"); // wrong currency
                default -> {}
            }
            requests.add(request);
            if (random.nextInt(5) == 0) {
                requests.add(new java.util.LinkedHashMap<>(request)); // the same again: a replay
            }
            if (random.nextInt(10) == 0) {
                Map<String, Object> clash = new java.util.LinkedHashMap<>(request);
                clash.put("postedOn", "2026-10-16"); // the same id, other content: a conflict
                requests.add(clash);
            }
        }
        java.util.Collections.shuffle(requests, random);

        Map<String, AtomicLong> expected = new ConcurrentHashMap<>();
        Map<String, Map<String, Object>> accepted = new ConcurrentHashMap<>();
        List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (Map<String, Object> request : requests) {
                done.add(pool.submit(() -> {
                    Answer answer = postPosting(request);
                    statuses.add(answer.status());
                    if (answer.status() == 201) {
                        accepted.put((String) request.get("externalId"), request);
                        long minor =
                                answer.json().get("amount").get("amountMinor").asLong();
                        long effect = switch ((String) request.get("kind")) {
                            case "CHARGE", "DEBIT_ADJUSTMENT" -> minor;
                            default -> -minor;
                        };
                        expected.computeIfAbsent((String) request.get("accountId"), k -> new AtomicLong())
                                .addAndGet(effect);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }

        assertThat(statuses).allMatch(s -> List.of(200, 201, 400, 409).contains(s));
        assertThat(statuses).contains(200, 201, 400);
        for (String account : accounts) {
            long lines = jdbc.queryForObject(
                    "select coalesce(sum(amount_minor), 0) from ledger_line where account_id = ?", Long.class, account);
            assertThat(balance(account)).as(account).isEqualTo(lines);
            assertThat(balance(account))
                    .as(account)
                    .isEqualTo(expected.getOrDefault(account, new AtomicLong()).get());
        }
        assertThat(jdbc.queryForObject("select coalesce(sum(amount_minor), 0) from ledger_line", Long.class))
                .isZero();
        assertThat(jdbc.queryForObject(
                        "select count(*) from (select posting_id from ledger_line group by posting_id "
                                + "having count(*) <> 2 or sum(amount_minor) <> 0) unbalanced",
                        Integer.class))
                .isZero();
        assertThat(jdbc.queryForObject(
                        "select count(*) from posting where external_id like 'RND-%' and account_id = any(?)",
                        Integer.class, (Object) accounts.toArray(String[]::new)))
                .isEqualTo(accepted.size());
        // and every account the service knows balances too, whatever other tests posted
        assertThat(jdbc.queryForObject("""
                        select count(*) from account_balance b where b.balance_minor <>
                            (select coalesce(sum(l.amount_minor), 0) from ledger_line l where l.account_id = b.account_id)""", Integer.class)).isZero();
    }

    /** A new patient whose account billing has read from the EMR (their first Billing Summary). */
    private String knownAccount() {
        String patient = newPatient();
        assertThat(summary(patient).status()).isEqualTo(200);
        return TestRecordsServer.accountOf(patient);
    }

    private long balance(String account) {
        return jdbc
                .queryForList("select balance_minor from account_balance where account_id = ?", Long.class, account)
                .stream()
                .findFirst()
                .orElse(0L);
    }
}
