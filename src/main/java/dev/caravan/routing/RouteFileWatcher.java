package dev.caravan.routing;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Loads the route files at start and then watches the routes directory (inotify on Linux), applying each added,
 * changed or removed file once it has been quiet for the debounce time.
 */
@Singleton
public class RouteFileWatcher {

    private static final Logger LOG = Logger.getLogger(RouteFileWatcher.class);

    @Inject
    RouteFileLoader loader;

    @Inject
    RoutesConfig config;

    /** Pending-work key for "re-read every route file" (not a valid file name, so it cannot clash). */
    private static final String RESYNC = "/resync";

    private final Map<String, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();
    private ScheduledExecutorService applier;
    private WatchService watchService;
    private Thread watcher;

    void onStart(@Observes @Priority(10) StartupEvent event) {
        loader.loadAll();
        if (config.reload().enabled()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** True when reload is off, or the watching thread is alive. */
    public boolean healthy() {
        return !config.reload().enabled() || (watcher != null && watcher.isAlive());
    }

    synchronized void start() {
        Path dir = loader.directory();
        try {
            watchService = dir.getFileSystem().newWatchService();
            dir.register(watchService, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
        } catch (IOException e) {
            LOG.errorf(e, "Cannot watch routes directory %s: route files will not reload", dir);
            return;
        }
        applier = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "caravan-route-reload");
            t.setDaemon(true);
            return t;
        });
        watcher = new Thread(this::watch, "caravan-route-watcher");
        watcher.setDaemon(true);
        watcher.start();
        // Files written between the initial load and the registration above.
        applier.execute(loader::resync);
        LOG.infof("Watching %s for route changes", dir);
    }

    synchronized void stop() {
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                LOG.debug("closing watch service", e);
            }
        }
        if (applier != null) {
            applier.shutdownNow();
        }
    }

    private void watch() {
        Path dir = loader.directory();
        long debounceMillis = config.reload().debounce().toMillis();
        try {
            while (true) {
                WatchKey key = watchService.take();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == OVERFLOW) {
                        applier.execute(loader::resync);
                        continue;
                    }
                    Path file = dir.resolve((Path) event.context());
                    // Anything else that changes (a Kubernetes ConfigMap swapping its ..data symlink, a directory
                    // renamed into place) may change what the route-file links point to: compare them all.
                    String name = RouteFileLoader.isRouteFile(file) ? file.getFileName().toString() : RESYNC;
                    // Re-arm the timer on every event: the file is read once it has been quiet.
                    pending.compute(name, (pendingKey, previous) -> {
                        if (previous != null) {
                            previous.cancel(false);
                        }
                        return applier.schedule(() -> {
                            pending.remove(pendingKey);
                            if (RESYNC.equals(pendingKey)) {
                                loader.resync();
                            } else {
                                loader.apply(file);
                            }
                        }, debounceMillis, TimeUnit.MILLISECONDS);
                    });
                }
                if (!key.reset()) {
                    LOG.errorf("Routes directory %s is no longer watchable: route files will not reload", dir);
                    return;
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Route watcher stopped", e);
        }
    }
}
