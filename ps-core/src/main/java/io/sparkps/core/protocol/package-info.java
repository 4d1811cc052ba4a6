/**
 * The spark-ps wire format: message types, their bodies, and the Netty codecs that frame them.
 *
 * <h2>Frames</h2>
 * {@code [int32 LE length of the rest][byte version = 1][byte type][int64 LE requestId][body]}.
 * All multi-byte fields are little-endian; arrays are an int32 count followed by the elements;
 * strings are an int32 byte count and UTF-8. {@code requestId} 0 marks a one-way message;
 * a response carries the id of its request. Type ids live in {@link
 * io.sparkps.core.protocol.MessageType} and are never renumbered.
 *
 * <h2>Entry points</h2>
 * <ul>
 *   <li>{@link io.sparkps.core.protocol.Message}: implemented by one immutable type per message
 *       ({@code PullMessage}, {@code PushMessage}, {@code ErrorMessage}...), each with
 *       {@code encodedLength}, {@code encode} and a static {@code decode}. A message of a few
 *       plain fields declares them once in a {@link io.sparkps.core.protocol.BodyLayout} (see
 *       {@link io.sparkps.core.protocol.LaidOutMessage}), which gives its length, encoding and
 *       decoding. Messages that share a body layout share its code, so a new one of that layout
 *       is a few lines: {@link io.sparkps.core.protocol.KeyListRequest} (tableId, shard, keys:
 *       PULL, CONTAINS, REMOVE), {@link io.sparkps.core.protocol.WholeShardRequest} (tableId,
 *       shard), {@link io.sparkps.core.protocol.WorkerRequest} (runId, worker, then a tail of
 *       its own), {@link io.sparkps.core.protocol.RoutingTableBody} and
 *       {@link io.sparkps.core.protocol.ServerIdBody}. Records with array components take
 *       content-based {@code equals}/{@code hashCode}/{@code toString} from {@code ArrayRecords}.</li>
 *   <li>{@link io.sparkps.core.protocol.Codec}: the shared field encodings (scalars, strings,
 *       arrays); {@link io.sparkps.core.protocol.SpecCodec} for {@code TableSpec},
 *       {@code UpdaterSpec} and {@code InitializerSpec}, {@link io.sparkps.core.protocol.RoutingCodec}
 *       for {@code RoutingTable} (decoded through their validating factories).</li>
 *   <li>{@link io.sparkps.core.protocol.FrameDecoder}, {@link
 *       io.sparkps.core.protocol.MessageDecoder}, {@link io.sparkps.core.protocol.MessageEncoder}:
 *       the codec handlers the transport (its {@code PsTransportContext}) puts in every
 *       pipeline. The decoders report problems as {@link
 *       io.sparkps.core.protocol.FrameTooLargeException} and {@link
 *       io.sparkps.core.protocol.FrameDecodeException} (fatal: close the connection; body-only:
 *       answer the request id with MALFORMED_FRAME and carry on).</li>
 * </ul>
 *
 * <h2>Buffer ownership</h2>
 * {@code encode} and {@code decode} never take ownership of the {@code ByteBuf} they are given.
 * {@code MessageEncoder.encode} returns a new buffer owned by the caller (in a pipeline, by
 * Netty, which releases it after writing). {@code FrameDecoder} emits retained slices that
 * {@code MessageDecoder} releases in {@code finally}; decoded messages copy everything into
 * Java arrays and hold no buffers, so they may outlive the frame and cross threads freely.
 *
 * <h2>Arrays and immutability</h2>
 * Messages are records and do not copy their arrays, to keep big pulls and pushes copy-free:
 * whoever builds a message must not modify its arrays afterwards, and receivers must treat them
 * as read-only. {@code equals}/{@code hashCode} compare array contents; {@code toString} prints
 * short arrays and only the length of long ones.
 *
 * <h2>Decoding untrusted input</h2>
 * Every count is checked against the bytes left before anything is allocated, enum bytes are
 * range-checked, specs go through their validating factories, and trailing bytes are an error:
 * a hostile or buggy peer gets MALFORMED_FRAME, never an allocation of its choosing.
 *
 * <p>Threading: everything here is stateless or immutable and thread-safe, except
 * {@code FrameDecoder}, which holds per-channel state and is created per channel.
 */
package io.sparkps.core.protocol;
