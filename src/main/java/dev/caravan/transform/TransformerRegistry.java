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
 * again when any file of its folder changes (a cheap check of sizes and modification times on each use), so editing a
 * mapping takes effect on the next message, like route files, without a restart.
 */
public class TransformerRegistry {

    private static final Logger LOG = Logger.getLogger(TransformerRegistry.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");

    private final Path dir;
    private final Map<String, Loaded> cache = new ConcurrentHashMap<>();

    private record Loaded(String fingerprint, Transformer transformer) {
    }

    public TransformerRegistry(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    /** The transformer of that name, as its folder is now. */
    public Transformer get(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("transformer name '" + name + "' is not a folder name of a-z 0-9 -");
        }
        Path folder = dir.resolve(name);
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("no transformer '" + name + "' in " + dir);
        }
        String fingerprint = fingerprint(folder);
        Loaded current = cache.get(name);
        if (current != null && current.fingerprint().equals(fingerprint)) {
            return current.transformer();
        }
        Transformer transformer = Transformers.load(name, folder);
        cache.put(name, new Loaded(fingerprint, transformer));
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
