package dev.caravan.deadletter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Alerting signals per DLQ at {@code /q/metrics}: {@code caravan_dlq_depth}, {@code caravan_dlq_oldest_age_seconds}
 * and {@code caravan_dlq_replayed_total}, tagged {@code dlq}. Depths are read from the broker every few seconds in
 * the background, so a scrape never waits for the broker.
 */
@Singleton
public class DeadLetterMetrics {

    private static final Logger LOG = Logger.getLogger(DeadLetterMetrics.class);
    static final Duration REFRESH = Duration.ofSeconds(5);

    @Inject
    MeterRegistry registry;

    @Inject
    DeadLetterQueues queues;

    private final Map<String, DeadLetterQueues.Summary> latest = new ConcurrentHashMap<>();
    private ScheduledExecutorService refresher;

    void start(@Observes StartupEvent event) {
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "caravan-dlq-metrics");
            thread.setDaemon(true);
            return thread;
        });
        refresher.scheduleWithFixedDelay(this::refresh, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads every DLQ's depth and oldest failure; registers gauges for DLQs seen for the first time. */
    public void refresh() {
        try {
            List<DeadLetterQueues.Summary> summaries = queues.list();
            for (DeadLetterQueues.Summary summary : summaries) {
                if (latest.put(summary.name(), summary) == null) {
                    String dlq = summary.name();
                    Gauge.builder("caravan.dlq.depth", latest, m -> m.containsKey(dlq) ? m.get(dlq).count() : 0)
                            .tag("dlq", dlq).description("Dead letters waiting in the DLQ").register(registry);
                    Gauge.builder("caravan.dlq.oldest.age", latest, m -> age(m.get(dlq)))
                            .tag("dlq", dlq).baseUnit("seconds")
                            .description("Age of the oldest dead letter's failure (0 when empty)").register(registry);
                }
            }
            latest.keySet().retainAll(summaries.stream().map(DeadLetterQueues.Summary::name).toList());
        } catch (RuntimeException e) {
            LOG.debugf(e, "DLQ metrics not refreshed: %s", e.getMessage());
        }
    }

    /** Counts replayed dead letters of {@code dlq}. */
    public void replayed(String dlq, long count) {
        Counter.builder("caravan.dlq.replayed").tag("dlq", dlq).description("Dead letters replayed by operators")
                .register(registry).increment(count);
    }

    private static double age(DeadLetterQueues.Summary summary) {
        if (summary == null || summary.oldestFailedAt() == null) {
            return 0;
        }
        return Math.max(0, Duration.between(summary.oldestFailedAt(), Instant.now()).toMillis() / 1000.0);
    }

    @PreDestroy
    void stop() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }
}
