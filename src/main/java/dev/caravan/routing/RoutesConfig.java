package dev.caravan.routing;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where integration developers' route files live and how quickly changes are picked up. */
@ConfigMapping(prefix = "caravan.routes")
public interface RoutesConfig {

    /** Directory of Camel YAML DSL files ({@code *.yaml}, {@code *.yml}); {@code CARAVAN_ROUTES_DIR}. */
    @WithDefault("routes")
    String dir();

    Reload reload();

    interface Reload {
        /** Watch the directory and apply added, changed and removed files without a restart. */
        @WithDefault("true")
        boolean enabled();

        /**
         * Quiet time after the last change to a file before it is loaded, so an editor's write-then-rename or a
         * copy in several chunks is read once, complete.
         */
        @WithDefault("100ms")
        Duration debounce();
    }
}
