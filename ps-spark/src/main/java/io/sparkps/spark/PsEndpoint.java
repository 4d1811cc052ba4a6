package io.sparkps.spark;

import io.sparkps.core.config.PsConfig;
import java.io.Serializable;
import java.util.Objects;

/**
 * How to reach one application's parameter servers: its scheduler address and the client
 * settings (secret included; with TLS the pinned certificate, never a private key). Small and
 * serialisable: this is what table handles carry into task closures. Immutable.
 */
public record PsEndpoint(String deploymentId, String schedulerHost, int schedulerPort, PsConfig config)
    implements Serializable {

  public PsEndpoint {
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(schedulerHost, "schedulerHost");
    Objects.requireNonNull(config, "config");
  }

  @Override
  public String toString() {
    return "PsEndpoint{deployment=" + deploymentId + ", scheduler=" + schedulerHost + ":" + schedulerPort + "}";
  }
}
