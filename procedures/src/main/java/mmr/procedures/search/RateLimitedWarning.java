package mmr.procedures.search;

import java.util.concurrent.atomic.AtomicLong;

import org.neo4j.logging.Log;

/**
 * A warning logged at most once per interval across all callers; the lines left out in between are
 * counted and reported with the next one, so a client repeating a bad query cannot fill the log.
 */
final class RateLimitedWarning {
    private final long intervalNanos;
    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedWarning(long intervalMillis) {
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /** Logs {@code line} (already bounded) unless one was logged less than an interval ago. */
    void warn(Log log, String line) {
        long now = System.nanoTime();
        long due = next.get();
        if ((due == Long.MIN_VALUE || now - due >= 0) && next.compareAndSet(due, now + intervalNanos)) {
            long skipped = suppressed.getAndSet(0);
            log.warn(skipped == 0 ? "%s" : "%s (%d similar warnings left out since the last one)", line, skipped);
        } else {
            suppressed.incrementAndGet();
        }
    }
}
