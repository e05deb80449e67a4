package dev.caravan.deadletter;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.StartupEvent;

/** {@link DeadLettersMBean} on the platform MBean server, delegating to the {@link DeadLetterService}. */
@Singleton
public class DeadLetters implements DeadLettersMBean {

    public static final String OBJECT_NAME = "caravan:type=DeadLetters";
    private static final String USER = "jmx";

    @Inject
    DeadLetterService service;

    @Inject
    ObjectMapper json;

    void register(@Observes StartupEvent event) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(OBJECT_NAME);
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
        server.registerMBean(this, name);
    }

    @PreDestroy
    void unregister() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName(OBJECT_NAME);
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
    }

    @Override
    public String listDeadLetterQueues() throws Exception {
        return json.writeValueAsString(service.list());
    }

    @Override
    public long getTotalDeadLetters() {
        return service.depths().values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public String browse(String dlq, int offset, int limit) throws Exception {
        return json.writeValueAsString(service.browse(dlq, DeadLetterFilter.NONE, offset, limit));
    }

    @Override
    public String show(String dlq, String id) throws Exception {
        return json.writeValueAsString(service.show(dlq, id));
    }

    @Override
    public String groups(String dlq) throws Exception {
        return json.writeValueAsString(service.groups(dlq));
    }

    @Override
    public long replayAll(String dlq) throws Exception {
        return service.replay(USER, dlq, select(null, true, null)).replayed();
    }

    @Override
    public long replay(String dlq, String ids) throws Exception {
        List<String> list = Arrays.stream(ids.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        return service.replay(USER, dlq, select(list, false, null)).replayed();
    }

    @Override
    public long replayGroup(String dlq, String group) throws Exception {
        return service.replay(USER, dlq, select(null, false, group)).replayed();
    }

    @Override
    public long delete(String dlq, String id) throws Exception {
        return service.delete(USER, dlq, id);
    }

    @Override
    public long purge(String dlq) throws Exception {
        return service.purge(USER, dlq, DeadLetterFilter.NONE);
    }

    private static DeadLetterReplayer.Request select(List<String> ids, boolean all, String group) {
        return new DeadLetterReplayer.Request(ids, all, null, group, null, null, null, null, null);
    }
}
