/**
 * Netty transport: authenticated, multiplexed request/response connections in both directions.
 * Netty types never leave this package and {@code io.sparkps.core.protocol}.
 *
 * <h2>Entry points</h2>
 * <ul>
 *   <li>{@link io.sparkps.core.transport.PsTransportContext}: one per component (server,
 *       scheduler, client). Owns the event loops and the callback executor; {@code createServer}
 *       binds a {@link io.sparkps.core.transport.TransportServer}, {@code connect} returns a
 *       future {@link io.sparkps.core.transport.Connection}. It is the only code that builds
 *       pipelines: keep-alive, frame guard, frame decoder, message encoder, message decoder,
 *       auth handler, on accepted channels {@code RequestAdmission} (backpressure against {@link
 *       io.sparkps.core.transport.PendingBytes}), channel handler; with {@code PsConfig.tls()} set, the TLS greeting, Netty's
 *       {@code SslHandler} (JDK provider, contexts from {@code TlsChannels}) and the
 *       {@code TlsHandshakeHandler} come first, so everything after them, the auth handshake
 *       included, is encrypted. The auth handshake is mutual and channel-bound and proves a
 *       {@link io.sparkps.core.config.PsRole} ({@code Connection.peerRole()}); before it only
 *       small handshake frames pass, and each listener caps its connections
 *       ({@link io.sparkps.core.config.TransportLimits}, docs/core.md Security).</li>
 *   <li>{@link io.sparkps.core.transport.Connection}: {@code request} (future response, with a
 *       deadline), {@code sendOneWay}, {@code reply}/{@code replyError}/{@code replyFailure}.
 *       Either side may send requests: the scheduler calls servers over connections the servers
 *       opened.</li>
 *   <li>{@link io.sparkps.core.transport.RequestHandler}: the application callback for
 *       incoming requests and one-way messages.</li>
 * </ul>
 *
 * <h2>Failures</h2>
 * An {@code ErrorMessage} response fails the request's future with {@link
 * io.sparkps.core.protocol.PsRemoteException}; a passed deadline with {@link
 * io.sparkps.core.transport.PsTimeoutException}; a closed or broken connection with {@link
 * io.sparkps.core.transport.PsTransportException} (all outstanding requests at once). A rejected
 * handshake, or an acceptor that does not prove the secret, fails {@code connect} with
 * {@link io.sparkps.core.transport.PsAuthenticationException}, and so does a server certificate
 * the client does not trust or a TLS server met by a plaintext client; a TLS client meeting a
 * plaintext server fails with {@code PsTransportException}.
 * Oversize frames, wrong versions and unknown types are reported to the peer with request id 0
 * and the connection is closed; a body that fails to decode is answered with MALFORMED_FRAME
 * under its own request id and the connection stays open. Stack traces are logged, never sent.
 *
 * <h2>Waiting</h2>
 * {@link io.sparkps.core.transport.Await#result} is the one blocking wait for a future, used by
 * the client, the server and the Spark driver. Each outcome has its own type: a remote error is a
 * {@code PsRemoteException}; a failed connection an {@link java.io.UncheckedIOException} around
 * the {@code PsTransportException}; the wait's own deadline a {@link
 * io.sparkps.core.transport.PsDeadlineException}; an interrupt a {@link
 * io.sparkps.core.transport.PsInterruptedException}, with the interrupt flag set again.
 *
 * <h2>Threading</h2>
 * Netty event loops run decoding, dispatch and {@link io.sparkps.core.transport.RequestHandler}
 * calls: handlers must not block, and must hand real work to their own executors. Request and
 * connect futures, and {@code closeFuture}, complete on the context's callback executor, so user
 * continuations never run on an I/O thread. All public methods of {@code Connection} are
 * thread-safe; a request may be answered from any thread. {@code createServer} and
 * {@code close} wait (boundedly) and must not be called on an event loop.
 *
 * <h2>Buffer ownership</h2>
 * Nothing in the public API takes or returns a {@code ByteBuf}: messages are decoded into Java
 * arrays before they reach a handler. Inside the pipeline, frames are released by
 * {@code MessageDecoder} and encoded buffers by Netty after the write.
 */
package io.sparkps.core.transport;
