package io.sparkps.core.scheduler;

import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.transport.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Named barriers: each arrival parks (as an unanswered request) until the named barrier has
 * {@code parties} arrivals, then all are released together and the name can be reused. Not
 * thread-safe: the scheduler guards it.
 */
final class Barriers {

  record Waiter(Connection connection, long requestId) {}

  private static final class Pending {
    final int parties;
    final List<Waiter> waiters = new ArrayList<>();

    Pending(int parties) {
      this.parties = parties;
    }
  }

  private final Map<String, Pending> pending = new HashMap<>();

  /** Records an arrival; returns the waiters to release (empty until the last party arrives). */
  List<Waiter> arrive(String name, int parties, Connection c, long requestId) {
    if (parties < 1) {
      throw new PsRemoteException(ErrorCode.INVALID_ARGUMENT, "barrier needs parties >= 1: parties="
          + parties + " (barrier " + name + ")");
    }
    Pending p = pending.computeIfAbsent(name, n -> new Pending(parties));
    if (p.parties != parties) {
      throw new PsRemoteException(ErrorCode.INVALID_ARGUMENT, "barrier " + name + " is waiting for "
          + p.parties + " parties, this arrival says parties=" + parties);
    }
    p.waiters.add(new Waiter(c, requestId));
    if (p.waiters.size() < parties) {
      return List.of();
    }
    pending.remove(name);
    return p.waiters;
  }

  /** Drops the arrivals of a closed connection: they can never be answered. */
  void forget(Connection c) {
    pending.values().forEach(p -> p.waiters.removeIf(w -> w.connection() == c));
    pending.values().removeIf(p -> p.waiters.isEmpty());
  }
}
