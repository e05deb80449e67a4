package dev.caravan.transform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

/**
 * The transformers in {@code caravan.transformers.dir}, one folder each. A transformer is read when first used and read
 * again when any file of its folder changes, so editing a mapping takes effect without a restart, like route files.
 * Whether the folder changed (sizes and modification times) is checked at most every {@link #CHECK_INTERVAL_NANOS}, not
 * on every message: listing a folder per message would put file-system calls on every route's hot path.
 */
public class TransformerRegistry {

    private static final Logger LOG = Logger.getLogger(TransformerRegistry.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");
    static final long CHECK_INTERVAL_NANOS = 250_000_000L;

    private final Path dir;
    private final Map<String, Loaded> cache = new ConcurrentHashMap<>();

    private record Loaded(String fingerprint, Transformer transformer, long checkedAt) {
    }

    public TransformerRegistry(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    /** The transformer of that name, as its folder is now. */
    public Transformer get(String name) {
        long now = System.nanoTime();
        Loaded current = cache.get(name);
        if (current != null) {
            if (now - current.checkedAt() < CHECK_INTERVAL_NANOS) {
                return current.transformer();
            }
            // One caller checks the folder; the others go on with the transformer they have. With many consumers all
            // of them used to list the folder at once every interval (seen in the profile of benchmark (d)).
            if (!cache.replace(name, current, new Loaded(current.fingerprint(), current.transformer(), now))) {
                return current.transformer();
            }
        } else if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("transformer name '" + name + "' is not a folder name of a-z 0-9 -");
        }
        Path folder = dir.resolve(name);
        if (!Files.isDirectory(folder)) {
            cache.remove(name);
            throw new IllegalArgumentException("no transformer '" + name + "' in " + dir);
        }
        String fingerprint = fingerprint(folder);
        if (current != null && current.fingerprint().equals(fingerprint)) {
            return current.transformer();
        }
        Transformer transformer;
        try {
            transformer = Transformers.load(name, folder);
        } catch (RuntimeException e) {
            if (current != null) {
                // A broken edit fails every message, as before the edit was read: the next caller checks again.
                cache.put(name, new Loaded(current.fingerprint(), current.transformer(), now - CHECK_INTERVAL_NANOS));
            }
            throw e;
        }
        cache.put(name, new Loaded(fingerprint, transformer, now));
        LOG.infof("%s transformer %s from %s", current == null ? "Loaded" : "Reloaded", name, folder);
        return transformer;
    }

    /** Names of every transformer folder. */
    public List<String> names() {
        try (Stream<Path> folders = Files.list(dir)) {
            return folders.filter(f -> Files.isRegularFile(f.resolve("transformer.yaml")))
                    .map(f -> f.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fingerprint(Path folder) {
        List<String> parts = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                parts.add(
                        file.getFileName() + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return String.join("|", parts);
    }
}
