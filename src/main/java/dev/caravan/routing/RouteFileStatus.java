package dev.caravan.routing;

import java.time.Instant;
import java.util.List;

/**
 * The state of one route file: which routes it runs, and the error of its last load if that failed. A failed file keeps
 * running the routes of its last good version, if it had one.
 *
 * @param file file name within the routes directory
 * @param state {@code LOADED} or {@code FAILED}
 * @param routeIds routes running from this file
 * @param error cause of the last failed load, null when loaded
 * @param changedAt when the file was last (re)loaded or failed
 * @param skippedRouteIds routes of this file not started because their {@code precondition} is false
 */
public record RouteFileStatus(String file, State state, List<String> routeIds, String error, Instant changedAt,
        List<String> skippedRouteIds) {

    public enum State {
        LOADED, FAILED
    }

    public boolean failed() {
        return state == State.FAILED;
    }
}
