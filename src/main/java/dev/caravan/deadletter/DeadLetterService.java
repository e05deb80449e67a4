package dev.caravan.deadletter;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.jms.JMSException;

/**
 * What operators can do with dead letters, one place for the REST API, the MBean and the page: every change is
 * recorded in the {@link DeadLetterAudit} with the acting user.
 */
@Singleton
public class DeadLetterService {

    @Inject
    DeadLetterQueues queues;

    @Inject
    DeadLetterReplayer replayer;

    @Inject
    DeadLetterAudit audit;

    @Inject
    DeadLetterMetrics metrics;

    public List<DeadLetterQueues.Summary> list() {
        return queues.list();
    }

    /** Every DLQ's depth, without browsing. */
    public java.util.Map<String, Long> depths() {
        return queues.depths();
    }

    public List<DeadLetter> browse(String dlq, DeadLetterFilter filter, int offset, int limit) throws JMSException {
        return queues.browse(queues.require(dlq), filter, offset, limit);
    }

    public DeadLetter show(String dlq, String id) throws JMSException {
        return queues.find(queues.require(dlq), DeadLetterQueues.requireId(id));
    }

    /** Failure groups of one DLQ, or of every DLQ when {@code dlq} is null. */
    public List<FailureGroups.Group> groups(String dlq) throws JMSException {
        List<DeadLetter> letters = new ArrayList<>();
        for (String name : dlq == null ? queues.names() : List.of(queues.require(dlq))) {
            letters.addAll(queues.all(name, DeadLetterFilter.NONE));
        }
        return FailureGroups.of(letters);
    }

    public DeadLetterReplayer.Result replay(String user, String dlq, DeadLetterReplayer.Request request)
            throws JMSException {
        queues.require(dlq);
        if (request.ids() != null) {
            request.ids().forEach(DeadLetterQueues::requireId);
        }
        DeadLetterReplayer.Result result = replayer.replay(dlq, request);
        metrics.replayed(dlq, result.replayed());
        audit.record(user, request.edits() ? "edit-replay" : "replay", dlq, result.replayed(), describe(request)
                + (result.skipped() > 0 ? " skipped=" + result.skipped() + " (replay limit reached)" : ""));
        return result;
    }

    public long delete(String user, String dlq, String id) throws JMSException {
        queues.require(dlq);
        long deleted = queues.remove(dlq, DeadLetterQueues.idSelector(List.of(DeadLetterQueues.requireId(id))));
        if (deleted == 0) {
            throw new jakarta.ws.rs.NotFoundException("no dead letter " + id + " in " + dlq);
        }
        audit.record(user, "delete", dlq, deleted, "ids=[" + id + "]");
        return deleted;
    }

    public long purge(String user, String dlq, DeadLetterFilter filter) throws JMSException {
        queues.require(dlq);
        long deleted;
        if (filter.needsBody()) {
            List<String> ids = queues.all(dlq, filter).stream().map(DeadLetter::id).distinct().toList();
            deleted = 0;
            for (List<String> chunk : DeadLetterQueues.idChunks(ids)) {
                deleted += queues.remove(dlq, DeadLetterQueues.idSelector(chunk));
            }
        } else {
            deleted = queues.remove(dlq, filter.selector());
        }
        audit.record(user, "purge", dlq, deleted, filter.equals(DeadLetterFilter.NONE) ? "all" : "filter=" + filter);
        return deleted;
    }

    public List<DeadLetterAudit.Entry> audit(int offset, int limit) {
        return audit.list(offset, limit);
    }

    private static String describe(DeadLetterReplayer.Request request) {
        StringBuilder what = new StringBuilder();
        if (request.ids() != null) {
            what.append("ids=").append(request.ids());
        } else if (request.group() != null) {
            what.append("group=").append(request.group());
        } else if (request.all()) {
            what.append("all");
        }
        if (request.filter() != null && !request.filter().equals(DeadLetterFilter.NONE)) {
            what.append(" filter=").append(request.filter());
        }
        if (request.destination() != null) {
            what.append(" destination=").append(request.destination());
        }
        if (request.body() != null) {
            what.append(" body edited (").append(request.body().length()).append(" characters)");
        }
        if (request.headers() != null && !request.headers().isEmpty()) {
            what.append(" headers edited ").append(request.headers().keySet());
        }
        if (request.at() != null) {
            what.append(" scheduled for ").append(request.at());
        }
        if (request.limit() != null) {
            what.append(" limit=").append(request.limit());
        }
        return what.toString().trim();
    }
}
