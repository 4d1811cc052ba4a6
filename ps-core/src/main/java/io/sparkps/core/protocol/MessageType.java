package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import java.util.function.Function;

/**
 * Every wire message type, its stable one-byte id and its body decoder.
 *
 * <p><b>The ids are part of the wire format: never renumber or reuse one, only append.</b>
 * Ranges: 1-9 handshake, 10-29 responses, 30-59 data plane, 60-99 control plane
 * (scheduler, servers, later worker registration and clocks), 100-127 reserved.
 */
public enum MessageType {
  // Handshake (1-9): travel with request id 0 before a connection is authenticated.
  AUTH_CHALLENGE(1, Category.HANDSHAKE, AuthChallengeMessage::decode),
  AUTH_RESPONSE(2, Category.HANDSHAKE, AuthResponseMessage::decode),
  AUTH_OK(3, Category.HANDSHAKE, AuthOkMessage::decode),

  // Responses (10-29).
  OK(10, Category.RESPONSE, OkMessage::decode),
  ERROR(11, Category.RESPONSE, ErrorMessage::decode),
  VALUES(12, Category.RESPONSE, ValuesMessage::decode),
  COUNT(13, Category.RESPONSE, CountMessage::decode),
  FLAGS(14, Category.RESPONSE, FlagsMessage::decode),
  CAS_RESULT(15, Category.RESPONSE, CasResultMessage::decode),
  SCAN_CHUNK(16, Category.RESPONSE, ScanChunkMessage::decode),
  REGISTERED(17, Category.RESPONSE, RegisteredMessage::decode),
  ROUTING(18, Category.RESPONSE, RoutingMessage::decode),
  WORKER_REGISTERED(19, Category.RESPONSE, WorkerRegisteredMessage::decode),

  // Data plane requests (30-59).
  PULL(30, Category.REQUEST, PullMessage::decode),
  PULL_RANGE(31, Category.REQUEST, PullRangeMessage::decode),
  PUSH(32, Category.REQUEST, PushMessage::decode),
  REMOVE(33, Category.REQUEST, RemoveMessage::decode),
  CONTAINS(34, Category.REQUEST, ContainsMessage::decode),
  CAS(35, Category.REQUEST, CasMessage::decode),
  CLEAR(36, Category.REQUEST, ClearMessage::decode),
  SIZE(37, Category.REQUEST, SizeMessage::decode),
  SCAN(38, Category.REQUEST, ScanMessage::decode),

  // Control plane requests (60-99).
  REGISTER_SERVER(60, Category.REQUEST, RegisterServerMessage::decode),
  HEARTBEAT(61, Category.REQUEST, HeartbeatMessage::decode),
  CREATE_TABLE(62, Category.REQUEST, CreateTableMessage::decode),
  DROP_TABLE(63, Category.REQUEST, DropTableMessage::decode),
  GET_ROUTING(64, Category.REQUEST, GetRoutingMessage::decode),
  SUBSCRIBE_ROUTING(65, Category.REQUEST, SubscribeRoutingMessage::decode),
  BARRIER(66, Category.REQUEST, BarrierMessage::decode),
  CREATE_SHARD(67, Category.REQUEST, CreateShardMessage::decode),
  DROP_SHARD(68, Category.REQUEST, DropShardMessage::decode),
  /** One-way: scheduler to subscribed clients. */
  ROUTING_UPDATE(69, Category.REQUEST, RoutingUpdateMessage::decode),
  // Training runs: worker registration, clocks, barriers (70-79).
  REGISTER_WORKER(70, Category.REQUEST, RegisterWorkerMessage::decode),
  CLOCK(71, Category.REQUEST, ClockMessage::decode),
  RUN_BARRIER(72, Category.REQUEST, RunBarrierMessage::decode),
  /** One-way: worker liveness. */
  WORKER_HEARTBEAT(73, Category.REQUEST, WorkerHeartbeatMessage::decode),
  FINISH_WORKER(74, Category.REQUEST, FinishWorkerMessage::decode),
  ABORT_RUN(75, Category.REQUEST, AbortRunMessage::decode),
  // Checkpoints (76-79).
  CHECKPOINT_SHARDS(76, Category.REQUEST, CheckpointShardsMessage::decode),
  FENCE_RUN(77, Category.REQUEST, FenceRunMessage::decode);

  private enum Category { HANDSHAKE, RESPONSE, REQUEST }

  private static final MessageType[] BY_ID = new MessageType[128];

  static {
    for (MessageType t : values()) {
      if (BY_ID[t.id] != null) {
        throw new ExceptionInInitializerError("duplicate message type id: id=" + t.id);
      }
      BY_ID[t.id] = t;
    }
  }

  private final byte id;
  private final Category category;
  private final Function<ByteBuf, ? extends Message> decoder;

  MessageType(int id, Category category, Function<ByteBuf, ? extends Message> decoder) {
    this.id = (byte) id;
    this.category = category;
    this.decoder = decoder;
  }

  /** The wire byte. */
  public byte id() {
    return id;
  }

  /** True for messages that answer a request (they carry the request's id). */
  public boolean isResponse() {
    return category == Category.RESPONSE;
  }

  /** True for the authentication handshake messages, which only the auth handlers accept. */
  public boolean isHandshake() {
    return category == Category.HANDSHAKE;
  }

  /**
   * Decodes a body of this type. Reads from the reader index; does not take ownership of
   * {@code body}. Throws {@link MalformedMessageException} (or another runtime exception from
   * spec validation) on bad input.
   */
  public Message decode(ByteBuf body) {
    return decoder.apply(body);
  }

  /** The type for a wire byte; throws {@link MalformedMessageException} for unknown ids. */
  public static MessageType fromId(byte id) {
    MessageType t = id >= 0 ? BY_ID[id] : null;
    if (t == null) {
      throw new MalformedMessageException("unknown message type: type=" + id
          + " (this peer speaks protocol version " + ProtocolVersion.CURRENT + ")");
    }
    return t;
  }
}
