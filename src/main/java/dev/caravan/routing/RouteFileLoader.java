package dev.caravan.routing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RouteConfigurationsBuilder;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.jboss.logging.Logger;

/**
 * Loads, replaces and removes the routes of one YAML file at a time, and remembers which routes each file owns.
 * <p>
 * Written here rather than taken from Camel's reload strategy because Camel 4.17's strategy removes every route when
 * one file fails, is blocked by a duplicate id in another file, and (with remove-all off) does not remove the routes
 * of a deleted file. Caravan's promise is narrower and stronger: a file that fails to parse or start is reported
 * (log, health, API) and every route already running keeps running, including the last good version of that file.
 */
@Singleton
public class RouteFileLoader {

    private static final Logger LOG = Logger.getLogger(RouteFileLoader.class);

    private final CamelContext camel;
    private final Path dir;

    /** The last version of each file that loaded, with the routes it runs. */
    private final Map<String, LoadedFile> loaded = new LinkedHashMap<>();
    private final Map<String, RouteFileStatus> statuses = new LinkedHashMap<>();
    private volatile boolean initialLoadDone;

    private record LoadedFile(String content, List<String> routeIds, List<String> configurationIds) {
    }

    @Inject
    public RouteFileLoader(CamelContext camel, RoutesConfig config) {
        this.camel = camel;
        this.dir = Path.of(config.dir()).toAbsolutePath().normalize();
    }

    public Path directory() {
        return dir;
    }

    /** True for the files Caravan loads: YAML, not hidden, not an editor's backup or swap file. */
    public static boolean isRouteFile(Path file) {
        String name = file.getFileName().toString();
        return (name.endsWith(".yaml") || name.endsWith(".yml")) && !name.startsWith(".");
    }

    /** Loads every route file in the directory, in name order; files that fail are reported and skipped. */
    public synchronized void loadAll() {
        try {
            Files.createDirectories(dir);
            resync();
        } catch (IOException e) {
            LOG.errorf(e, "Cannot create routes directory %s", dir);
        } finally {
            initialLoadDone = true;
        }
    }

    /** Brings the loaded state in line with the directory: loads new or changed files, removes deleted ones. */
    public synchronized void resync() {
        Set<String> present = new HashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(RouteFileLoader::isRouteFile).sorted(Comparator.comparing(Path::toString)).forEach(f -> {
                present.add(f.getFileName().toString());
                apply(f);
            });
        } catch (IOException e) {
            LOG.errorf(e, "Cannot read routes directory %s", dir);
            return;
        }
        new ArrayList<>(statuses.keySet()).stream().filter(name -> !present.contains(name))
                .forEach(name -> remove(dir.resolve(name)));
    }

    /** Loads a new file or replaces the routes of a changed one; a missing file is removed. */
    public synchronized RouteFileStatus apply(Path file) {
        String name = file.getFileName().toString();
        String content;
        try {
            content = Files.readString(file);
        } catch (NoSuchFileException e) {
            remove(file);
            return null;
        } catch (IOException e) {
            return failed(name, "cannot read file: " + e.getMessage(), e);
        }
        LoadedFile previous = loaded.get(name);
        RouteFileStatus current = statuses.get(name);
        if (previous != null && previous.content().equals(content) && current != null && !current.failed()) {
            return current;
        }
        long started = System.nanoTime();
        ParsedFile parsed;
        try {
            parsed = parse(file, content);
            checkIdsAreFree(name, parsed.routeIds());
        } catch (Exception e) {
            return failed(name, describe(e), e);
        }
        List<String> newIds = parsed.routeIds();

        List<String> oldIds = previous == null ? List.of() : previous.routeIds();
        removeRoutes(oldIds);
        removeConfigurations(previous == null ? List.of() : previous.configurationIds());
        List<String> skipped = new ArrayList<>();
        List<String> configurations = new ArrayList<>();
        try {
            configurations.addAll(addToCamel(file, content, parsed.builders()));
            for (String id : newIds) {
                if (camel.getRoute(id) == null) {
                    if (!parsed.conditional().contains(id)) {
                        throw new IllegalStateException("route " + id + " was not added");
                    }
                    // Its precondition is false (e.g. Kafka routes while caravan.kafka.brokers is unset): by design.
                    skipped.add(id);
                }
            }
        } catch (Exception e) {
            removeRoutes(newIds);
            removeConfigurations(configurations);
            if (previous != null) {
                restore(file, previous);
            }
            return failed(name, describe(e), e);
        }
        List<String> running = newIds.stream().filter(id -> !skipped.contains(id)).toList();
        loaded.put(name, new LoadedFile(content, running, List.copyOf(configurations)));
        RouteFileStatus status = new RouteFileStatus(name, RouteFileStatus.State.LOADED, running, null,
                Instant.now(), List.copyOf(skipped));
        statuses.put(name, status);
        LOG.infof("%s route file %s: routes %s%s (%d ms)", previous == null ? "Loaded" : "Reloaded", name, running,
                skipped.isEmpty() ? "" : ", not started because their precondition is false: " + skipped,
                (System.nanoTime() - started) / 1_000_000);
        return status;
    }

    /** Stops and removes the routes of a deleted file. */
    public synchronized void remove(Path file) {
        String name = file.getFileName().toString();
        LoadedFile previous = loaded.remove(name);
        statuses.remove(name);
        if (previous != null) {
            removeRoutes(previous.routeIds());
            removeConfigurations(previous.configurationIds());
            LOG.infof("Route file %s removed: stopped routes %s", name, previous.routeIds());
        }
    }

    /** Every known route file with its state, in name order. */
    public synchronized List<RouteFileStatus> statuses() {
        return statuses.values().stream().sorted(Comparator.comparing(RouteFileStatus::file)).toList();
    }

    public boolean initialLoadDone() {
        return initialLoadDone;
    }

    private RouteFileStatus failed(String name, String error, Exception cause) {
        LoadedFile previous = loaded.get(name);
        List<String> running = previous == null ? List.of() : previous.routeIds();
        RouteFileStatus status = new RouteFileStatus(name, RouteFileStatus.State.FAILED, running, error,
                Instant.now(), List.of());
        statuses.put(name, status);
        LOG.errorf("Route file %s failed to load: %s%s", name, error,
                running.isEmpty() ? "" : " (its previous version keeps running: " + running + ")");
        LOG.debugf(cause, "Route file %s failure", name);
        return status;
    }

    /** A file parsed into Camel builders, not yet added to Camel, with the ids of its routes. */
    private record ParsedFile(Collection<RoutesBuilder> builders, List<String> routeIds, Set<String> conditional) {
    }

    /** Parses the file without adding anything to Camel; every route must have an explicit, unique id. */
    private ParsedFile parse(Path file, String content) throws Exception {
        Collection<RoutesBuilder> builders = PluginHelper.getRoutesLoader(camel)
                .findRoutesBuilders(resource(file, content));
        List<String> ids = new ArrayList<>();
        Set<String> conditional = new HashSet<>();
        for (RoutesBuilder builder : builders) {
            if (builder instanceof RouteBuilder routeBuilder) {
                for (RouteDefinition route : routeBuilder.configureRoutes(camel).getRoutes()) {
                    if (route.getRouteId() == null || route.getRouteId().isBlank()) {
                        String from = route.getInput() == null ? "?" : route.getInput().getEndpointUri();
                        throw new IllegalArgumentException("the route from '" + from
                                + "' has no id: give every route an explicit id (route: id: <purpose>)");
                    }
                    if (ids.contains(route.getRouteId())) {
                        throw new IllegalArgumentException("route id '" + route.getRouteId()
                                + "' is used twice in this file");
                    }
                    ids.add(route.getRouteId());
                    if (route.getPrecondition() != null) {
                        conditional.add(route.getRouteId());
                    }
                }
            }
        }
        return new ParsedFile(builders, List.copyOf(ids), conditional);
    }

    /**
     * Adds parsed builders the way Camel's routes loader does: route configurations first, then routes. A route picks
     * up its {@code routeConfiguration} (error handling shared by routes) when its builder is configured, which
     * {@link #parse} has already done, before the file's configurations were in Camel; so a file that declares
     * route configurations has its routes built again, now that they are. Returns the ids of the route configurations
     * the file added, so a reload or removal can take them out again.
     */
    private List<String> addToCamel(Path file, String content, Collection<RoutesBuilder> builders)
            throws Exception {
        ModelCamelContext model = (ModelCamelContext) camel;
        Set<String> before = configurationIds(model);
        Collection<RoutesBuilder> toAdd = builders;
        if (content.contains("routeConfiguration")) {
            toAdd = PluginHelper.getRoutesLoader(camel).findRoutesBuilders(resource(file, content));
        }
        for (RoutesBuilder builder : toAdd) {
            if (builder instanceof RouteConfigurationsBuilder configurations) {
                camel.addRoutesConfigurations(configurations);
            }
        }
        List<String> added = new ArrayList<>(configurationIds(model));
        added.removeAll(before);
        for (RoutesBuilder builder : toAdd) {
            camel.addRoutes(builder);
        }
        return added;
    }

    private static Set<String> configurationIds(ModelCamelContext model) {
        Set<String> ids = new HashSet<>();
        for (RouteConfigurationDefinition definition : model.getRouteConfigurationDefinitions()) {
            ids.add(definition.getId());
        }
        return ids;
    }

    private void removeConfigurations(List<String> ids) {
        ModelCamelContext model = (ModelCamelContext) camel;
        for (String id : ids) {
            RouteConfigurationDefinition definition = id == null ? null : model.getRouteConfigurationDefinition(id);
            if (definition != null) {
                try {
                    model.removeRouteConfiguration(definition);
                } catch (Exception e) {
                    LOG.errorf(e, "Could not remove route configuration %s", id);
                }
            }
        }
    }

    private void checkIdsAreFree(String name, List<String> ids) {
        for (String id : ids) {
            for (Map.Entry<String, LoadedFile> other : loaded.entrySet()) {
                if (!other.getKey().equals(name) && other.getValue().routeIds().contains(id)) {
                    throw new IllegalArgumentException("route id '" + id + "' is already used by " + other.getKey());
                }
            }
            boolean ownedByFiles = loaded.values().stream().anyMatch(f -> f.routeIds().contains(id));
            if (!ownedByFiles && camel.getRoute(id) != null) {
                throw new IllegalArgumentException("route id '" + id + "' is already used by a built-in route");
            }
        }
    }

    private void restore(Path file, LoadedFile previous) {
        try {
            addToCamel(file, previous.content(), parse(file, previous.content()).builders());
        } catch (Exception e) {
            LOG.errorf(e, "Could not restore the previous routes of %s", file.getFileName());
        }
    }

    private void removeRoutes(List<String> ids) {
        ModelCamelContext model = (ModelCamelContext) camel;
        for (String id : ids) {
            try {
                Route route = camel.getRoute(id);
                if (route != null) {
                    // Graceful: in-flight exchanges of the route finish first (Camel's shutdown strategy).
                    camel.getRouteController().stopRoute(id);
                }
                RouteDefinition definition = model.getRouteDefinition(id);
                if (definition != null) {
                    model.removeRouteDefinition(definition);
                } else if (route != null) {
                    camel.removeRoute(id);
                }
            } catch (Exception e) {
                LOG.errorf(e, "Could not remove route %s", id);
            }
        }
    }

    private static Resource resource(Path file, String content) {
        return ResourceHelper.fromString("file:" + file.toAbsolutePath(), content);
    }

    private static String describe(Throwable e) {
        StringBuilder message = new StringBuilder();
        Throwable t = e;
        Set<Throwable> seen = new HashSet<>();
        while (t != null && seen.add(t)) {
            String text = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (message.indexOf(text) < 0) {
                if (message.length() > 0) {
                    message.append(" <- ");
                }
                message.append(text);
            }
            t = t.getCause();
        }
        return message.toString();
    }
}
