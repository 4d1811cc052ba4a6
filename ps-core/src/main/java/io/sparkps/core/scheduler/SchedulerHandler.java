package io.sparkps.core.scheduler;

import io.sparkps.core.protocol.AbortRunMessage;
import io.sparkps.core.protocol.BarrierMessage;
import io.sparkps.core.protocol.ClockMessage;
import io.sparkps.core.protocol.FinishWorkerMessage;
import io.sparkps.core.protocol.RegisterWorkerMessage;
import io.sparkps.core.protocol.RunBarrierMessage;
import io.sparkps.core.protocol.WorkerHeartbeatMessage;
import io.sparkps.core.protocol.CreateTableMessage;
import io.sparkps.core.protocol.DropTableMessage;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.GetRoutingMessage;
import io.sparkps.core.protocol.HeartbeatMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.RegisterServerMessage;
import io.sparkps.core.protocol.SubscribeRoutingMessage;
import io.sparkps.core.transport.Connection;
import io.sparkps.core.transport.RequestHandler;

/**
 * Dispatches control-plane messages to the scheduler and turns every failure into an error reply
 * carrying the request id. Called on I/O threads; stateless.
 */
final class SchedulerHandler implements RequestHandler {

  private final PsScheduler scheduler;

  SchedulerHandler(PsScheduler scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public void handle(Connection c, long requestId, Message m) {
    try {
      if (m instanceof HeartbeatMessage hb) {
        // Servers time our silence: only a live server's beat renews its lease (ServerLease).
        if (scheduler.heartbeat(hb)) {
          c.reply(requestId, new io.sparkps.core.protocol.OkMessage());
        } else {
          c.replyError(requestId, ErrorCode.SERVER_DEAD,
              "server " + hb.serverId() + " is unknown or was declared dead; stop serving");
        }
      } else if (m instanceof RegisterServerMessage r) {
        scheduler.registerServer(c, requestId, r);
      } else if (m instanceof CreateTableMessage t) {
        scheduler.createTable(c, requestId, t.spec());
      } else if (m instanceof DropTableMessage d) {
        scheduler.dropTable(c, requestId, d);
      } else if (m instanceof GetRoutingMessage) {
        scheduler.getRouting(c, requestId);
      } else if (m instanceof SubscribeRoutingMessage) {
        scheduler.subscribe(c, requestId);
      } else if (m instanceof BarrierMessage b) {
        scheduler.barrier(c, requestId, b);
      } else if (m instanceof WorkerHeartbeatMessage w) {
        scheduler.workerHeartbeat(w);
      } else if (m instanceof ClockMessage k) {
        scheduler.clock(c, requestId, k);
      } else if (m instanceof RegisterWorkerMessage r) {
        scheduler.registerWorker(c, requestId, r);
      } else if (m instanceof RunBarrierMessage r) {
        scheduler.runBarrier(c, requestId, r);
      } else if (m instanceof FinishWorkerMessage f) {
        scheduler.finishWorker(c, requestId, f);
      } else if (m instanceof AbortRunMessage a) {
        scheduler.abortRun(c, requestId, a);
      } else if (requestId != 0) {
        c.replyError(requestId, ErrorCode.UNEXPECTED_MESSAGE, "the scheduler does not accept type=" + m.type());
      }
    } catch (RuntimeException e) {
      c.replyFailure(requestId, e);
    }
  }

  @Override
  public void connectionClosed(Connection c) {
    scheduler.connectionClosed(c);
  }
}
