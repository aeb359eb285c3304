package health.portal.benchmarks.support;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Renews a set of tokens in the background while a benchmark runs. */
public final class TokenRenewal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TokenRenewal.class);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("token-renewal").factory());

    public TokenRenewal(Collection<RefreshingToken> tokens) {
        long every = RefreshingToken.RENEW_EVERY.toSeconds();
        scheduler.scheduleAtFixedRate(
                () -> tokens.forEach(token -> {
                    try {
                        token.renew();
                    } catch (RuntimeException e) {
                        log.warn("token renewal failed (requests will show 401s): {}", e.getMessage());
                    }
                }),
                every,
                every,
                TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
