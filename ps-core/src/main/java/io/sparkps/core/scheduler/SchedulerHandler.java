package io.sparkps.core.scheduler;

import io.sparkps.core.config.PsRole;
import io.sparkps.core.protocol.AbortRunMessage;
import io.sparkps.core.protocol.BarrierMessage;
import io.sparkps.core.protocol.ClockMessage;
import io.sparkps.core.protocol.CreateTableMessage;
import io.sparkps.core.protocol.DropTableMessage;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.FinishWorkerMessage;
import io.sparkps.core.protocol.GetRoutingMessage;
import io.sparkps.core.protocol.HeartbeatMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.protocol.RegisterServerMessage;
import io.sparkps.core.protocol.RegisterWorkerMessage;
import io.sparkps.core.protocol.RunBarrierMessage;
import io.sparkps.core.protocol.SubscribeRoutingMessage;
import io.sparkps.core.protocol.WorkerHeartbeatMessage;
import io.sparkps.core.transport.Connection;
import io.sparkps.core.transport.RequestHandler;

/**
 * Dispatches control-plane messages to the room that owns them and turns every failure into an
 * error reply carrying the request id. Called on I/O threads; stateless.
 */
final class SchedulerHandler implements RequestHandler {

  private final Outbox outbox;
  /** Routing subscriptions, named barriers and closed connections, which span rooms. */
  private final PsScheduler scheduler;
  private final ServerMembership membership;
  private final TableLifecycle tables;
  private final ClockService clocks;

  SchedulerHandler(Outbox outbox, PsScheduler scheduler, ServerMembership membership, TableLifecycle tables,
      ClockService clocks) {
    this.outbox = outbox;
    this.scheduler = scheduler;
    this.membership = membership;
    this.tables = tables;
    this.clocks = clocks;
  }

  @Override
  public void handle(Connection c, long requestId, Message m) {
    try {
      if ((m instanceof HeartbeatMessage || m instanceof RegisterServerMessage) && c.peerRole() != PsRole.SERVER) {
        outbox.answer(c, requestId, new PsRemoteException(ErrorCode.UNAUTHORIZED, m.type()
            + " is accepted only from a server; this peer is a " + c.peerRole()), null);
      } else if (m instanceof HeartbeatMessage hb) {
        membership.heartbeat(c, requestId, hb);
      } else if (m instanceof RegisterServerMessage r) {
        membership.register(c, requestId, r);
      } else if (m instanceof CreateTableMessage t) {
        tables.create(c, requestId, t.spec());
      } else if (m instanceof DropTableMessage d) {
        tables.drop(c, requestId, d);
      } else if (m instanceof GetRoutingMessage) {
        scheduler.getRouting(c, requestId);
      } else if (m instanceof SubscribeRoutingMessage) {
        scheduler.subscribe(c, requestId);
      } else if (m instanceof BarrierMessage b) {
        scheduler.barrier(c, requestId, b);
      } else if (m instanceof WorkerHeartbeatMessage w) {
        clocks.workerHeartbeat(w);
      } else if (m instanceof ClockMessage k) {
        clocks.clock(c, requestId, k);
      } else if (m instanceof RegisterWorkerMessage r) {
        clocks.registerWorker(c, requestId, r);
      } else if (m instanceof RunBarrierMessage r) {
        clocks.runBarrier(c, requestId, r);
      } else if (m instanceof FinishWorkerMessage f) {
        clocks.finishWorker(c, requestId, f);
      } else if (m instanceof AbortRunMessage a) {
        clocks.abortRun(c, requestId, a);
      } else if (requestId != 0) {
        outbox.answer(c, requestId, new PsRemoteException(ErrorCode.UNEXPECTED_MESSAGE,
            "the scheduler does not accept type=" + m.type()), null);
      }
    } catch (RuntimeException e) {
      outbox.answer(c, requestId, e, null);
    }
  }

  @Override
  public void connectionClosed(Connection c) {
    scheduler.connectionClosed(c);
  }
}
