package io.sparkps.core.config;

/**
 * What a peer is, as proven in the handshake: it decides which messages a peer may send (only the
 * scheduler controls servers' shards, only servers register and heartbeat as servers). The wire
 * ids are part of the handshake format: never renumber. Immutable.
 */
public enum PsRole {
  /** The driver's scheduler; accepts connections, never dials. */
  SCHEDULER(1),
  /** A parameter server: dials the scheduler, accepts workers. */
  SERVER(2),
  /** A client (Spark task, tool, test): dials the scheduler and servers. */
  WORKER(3);

  private final int wireId;

  PsRole(int wireId) {
    this.wireId = wireId;
  }

  public int wireId() {
    return wireId;
  }

  /** The role with this wire id, or null for an unknown one (the handshake refuses it). */
  public static PsRole fromWireId(int id) {
    for (PsRole r : values()) {
      if (r.wireId == id) {
        return r;
      }
    }
    return null;
  }
}
