package dev.caravan.testing;

import java.util.UUID;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** An MQTT 3.1.1 device of the embedded broker (Eclipse Paho), not yet connected. */
public final class Mqtt {

    private Mqtt() {
    }

    public static MqttClient client(int port) throws MqttException {
        return new MqttClient("tcp://127.0.0.1:" + port, "caravan-test-" + UUID.randomUUID(), new MemoryPersistence());
    }

    /** Clean-session connect options for a Caravan user. */
    public static MqttConnectOptions login(String user, String password) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        options.setCleanSession(true);
        return options;
    }
}
