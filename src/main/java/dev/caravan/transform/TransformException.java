package dev.caravan.transform;

/** A message body that a transformer could not transform: the route fails and the message goes to its DLQ. */
public class TransformException extends Exception {

    public TransformException(String message, Throwable cause) {
        super(message, cause);
    }

    public TransformException(String message) {
        super(message);
    }
}
