package io.sparkps.core.protocol;

import java.util.Objects;

/**
 * A decoded frame: the request id from the header and the message body. What
 * {@link MessageDecoder} emits and {@link MessageEncoder} consumes. Request id 0 marks a one-way
 * message (no response expected); responses carry the id of the request they answer.
 * Immutable.
 */
public record Envelope(long requestId, Message message) {

  public Envelope {
    Objects.requireNonNull(message, "message");
  }
}
