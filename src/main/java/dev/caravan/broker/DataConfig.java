package dev.caravan.broker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where Caravan keeps state on disk: the embedded broker's journal, bindings, paging and large messages. */
@ConfigMapping(prefix = "caravan.data")
public interface DataConfig {

    /** Data directory ({@code CARAVAN_DATA_DIR}); relative paths are resolved against the working directory. */
    @WithDefault("data")
    String dir();
}
