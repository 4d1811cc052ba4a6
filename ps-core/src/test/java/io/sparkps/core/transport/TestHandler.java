package io.sparkps.core.transport;

import io.sparkps.core.partition.RoutingTable;
import io.sparkps.core.protocol.CountMessage;
import io.sparkps.core.protocol.ClearMessage;
import io.sparkps.core.protocol.DropShardMessage;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.GetRoutingMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.protocol.OkMessage;
import io.sparkps.core.protocol.PullMessage;
import io.sparkps.core.protocol.PullRangeMessage;
import io.sparkps.core.protocol.RegisterServerMessage;
import io.sparkps.core.protocol.RoutingMessage;
import io.sparkps.core.protocol.ScanMessage;
import io.sparkps.core.protocol.SizeMessage;
import io.sparkps.core.protocol.SubscribeRoutingMessage;
import io.sparkps.core.protocol.ValuesMessage;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted request handler for transport tests. Pull: values 2*key; Size: count
 * (tableId << 32 | shard); Clear: UNKNOWN_TABLE error; DropShard: throws; Scan: held until
 * {@link #answerHeld()}; PullRange: (end - start) zeros; RegisterServer: asks the peer a Pull
 * back over the same connection and relays its answer; GetRouting: sends a one-way routing
 * table first, then Ok; SubscribeRouting: sends a connection-level error (request id 0).
 * One-way messages are queued. Thread-safe.
 */
final class TestHandler implements RequestHandler {

  final AtomicInteger handled = new AtomicInteger();
  final BlockingQueue<Envelope> oneWay = new LinkedBlockingQueue<>();
  final Semaphore heldArrived = new Semaphore(0);
  final CompletableFuture<Connection> closed = new CompletableFuture<>();
  private final Queue<Object[]> held = new ConcurrentLinkedQueue<>();

  static float[] doubled(long[] keys) {
    float[] v = new float[keys.length];
    for (int i = 0; i < keys.length; i++) {
      v[i] = 2f * keys[i];
    }
    return v;
  }

  static long sizeAnswer(int tableId, int shard) {
    return ((long) tableId << 32) | (shard & 0xFFFF_FFFFL);
  }

  @Override
  public void handle(Connection connection, long requestId, Message message) {
    handled.incrementAndGet();
    if (requestId == 0) {
      oneWay.add(new Envelope(requestId, message));
      return;
    }
    if (message instanceof PullMessage p) {
      connection.reply(requestId, new ValuesMessage(doubled(p.keys())));
    } else if (message instanceof SizeMessage s) {
      connection.reply(requestId, new CountMessage(sizeAnswer(s.tableId(), s.shard())));
    } else if (message instanceof ClearMessage c) {
      connection.replyError(requestId, ErrorCode.UNKNOWN_TABLE, "no table: tableId=" + c.tableId());
    } else if (message instanceof DropShardMessage d) {
      throw new IllegalArgumentException("bad shard: tableId=" + d.tableId());
    } else if (message instanceof ScanMessage) {
      held.add(new Object[] {connection, requestId});
      heldArrived.release();
    } else if (message instanceof PullRangeMessage r) {
      connection.reply(requestId, new ValuesMessage(new float[(int) (r.end() - r.start())]));
    } else if (message instanceof RegisterServerMessage) {
      connection.request(new PullMessage(7, 0, new long[] {1, 2, 3})).whenComplete((m, t) -> {
        if (t != null) {
          connection.replyFailure(requestId, t);
        } else {
          connection.reply(requestId, m);
        }
      });
    } else if (message instanceof GetRoutingMessage) {
      connection.sendOneWay(new RoutingMessage(RoutingTable.empty()));
      connection.reply(requestId, OkMessage.INSTANCE);
    } else if (message instanceof SubscribeRoutingMessage) {
      connection.sendOneWay(new ErrorMessage(ErrorCode.SHUTTING_DOWN, "server stopping"));
    } else {
      connection.replyError(requestId, ErrorCode.UNEXPECTED_MESSAGE, "type=" + message.type());
    }
  }

  /** Answers every held Scan with Ok. */
  /** Answers every held request so far; returns how many. */
  int answerHeld() {
    int n = 0;
    Object[] h;
    while ((h = held.poll()) != null) {
      ((Connection) h[0]).reply((Long) h[1], OkMessage.INSTANCE);
      n++;
    }
    return n;
  }

  @Override
  public void connectionClosed(Connection connection) {
    closed.complete(connection);
  }
}
