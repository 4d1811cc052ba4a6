/**
 * The client: {@link io.sparkps.core.client.PsClient} connects to the scheduler, follows its
 * routing table and hands out {@link io.sparkps.core.client.DenseTable} and
 * {@link io.sparkps.core.client.SparseTable} handles.
 *
 * <p>Every operation has an async form returning a {@code CompletableFuture} (completed on the
 * transport's callback threads, never on I/O threads) and a blocking form bounded by the request
 * timeout. Keys must be sorted and unique; arguments are checked before anything is sent. A
 * request is sliced per shard and per frame, and the replies are merged back in key order.
 * Requests to a server the scheduler declared dead fail fast with
 * {@link io.sparkps.core.protocol.PsRemoteException} code {@code SERVER_DEAD}. Blocking forms wait
 * through {@link io.sparkps.core.transport.Await}, whose exception policy they share: a remote
 * error, a failed connection, the wait's own deadline and an interrupt each have their own type.
 */
package io.sparkps.core.client;
