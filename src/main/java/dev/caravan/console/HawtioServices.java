package dev.caravan.console;

import java.util.Map;

import io.hawt.HawtioContextListener;
import io.hawt.system.ConfigManager;

/**
 * Hawtio's server-side services (the {@code hawtio:*} MBeans its UI uses to read the JMX tree efficiently, and the
 * configuration its servlets read), set up for Caravan: Hawtio's own login is off because Caravan's HTTP login
 * (operator or admin, {@code application.properties}) guards {@code /hawtio} before any Hawtio code runs, and the
 * proxy to other JVMs is off because the console manages this process only. Registered in {@code META-INF/web.xml}.
 */
public class HawtioServices extends HawtioContextListener {

    private static final Map<String, String> SETTINGS = Map.of(
            "authenticationEnabled", "false",
            "disableProxy", "true",
            "localAddressProbing", "false");

    public HawtioServices() {
        // Hawtio still lets hawtio.* system properties win, as its documentation promises operators.
        super(new ConfigManager(SETTINGS::get));
    }
}
