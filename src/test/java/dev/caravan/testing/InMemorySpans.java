package dev.caravan.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * The span exporter of the test application (Quarkus exports to every {@link SpanExporter} bean): keeps the most recent
 * spans in memory for the tracing tests to read. Bounded, unlike the SDK's InMemorySpanExporter, because every test of
 * the shared boot (the benchmark smoke too) is traced.
 */
@Singleton
public class InMemorySpans implements SpanExporter {

    private static final int LIMIT = 50_000;

    private final Deque<SpanData> spans = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
        for (SpanData span : batch) {
            spans.addLast(span);
            if (size.incrementAndGet() > LIMIT && spans.pollFirst() != null) {
                size.decrementAndGet();
            }
        }
        return CompletableResultCode.ofSuccess();
    }

    /** Every kept span of one trace. */
    public List<SpanData> trace(String traceId) {
        List<SpanData> result = new ArrayList<>();
        for (SpanData span : spans) {
            if (span.getTraceId().equals(traceId)) {
                result.add(span);
            }
        }
        return result;
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
