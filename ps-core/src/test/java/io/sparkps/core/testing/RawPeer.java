package io.sparkps.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.sparkps.core.protocol.AuthChallengeMessage;
import io.sparkps.core.protocol.AuthOkMessage;
import io.sparkps.core.protocol.AuthResponseMessage;
import io.sparkps.core.config.PsRole;
import io.sparkps.core.protocol.Envelope;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.ErrorMessage;
import io.sparkps.core.protocol.Message;
import io.sparkps.core.transport.Hmac;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.security.SecureRandom;

/**
 * A plain blocking socket speaking (or abusing) the wire format, for tests. Reads have a
 * timeout, so a server that neither answers nor closes fails the test instead of hanging it.
 */
public final class RawPeer implements AutoCloseable {

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  public RawPeer(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout((int) TransportTesting.WAIT_SECONDS * 1000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  public void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public void send(Envelope e) throws IOException {
    send(TransportTesting.frameBytes(e));
  }

  /** Reads one frame; throws EOFException when the server closed the connection. */
  public Envelope read() throws IOException {
    int length = Integer.reverseBytes(in.readInt());
    byte[] frame = new byte[length];
    in.readFully(frame);
    return TransportTesting.decode(frame);
  }

  /** The server's challenge, which opens every connection. */
  public AuthChallengeMessage readChallenge() throws IOException {
    Envelope e = read();
    assertEquals(0, e.requestId());
    return assertInstanceOf(AuthChallengeMessage.class, e.message());
  }

  /** Completes the handshake with a server that does not require authentication. */
  public void handshake() throws IOException {
    readChallenge();
    send(new Envelope(0, new AuthResponseMessage(PsRole.WORKER.wireId(), new byte[Hmac.NONCE_BYTES],
        dialled(), new byte[0])));
    assertInstanceOf(AuthOkMessage.class, read().message());
  }

  /**
   * Sends {@code request} as request {@code id} and reads the answer, asserted to be an error of
   * {@code code} for that request.
   */
  public ErrorMessage requestError(long id, Message request, ErrorCode code) throws IOException {
    send(new Envelope(id, request));
    Envelope e = read();
    assertEquals(id, e.requestId(), "error carries the request id");
    ErrorMessage error = assertInstanceOf(ErrorMessage.class, e.message(), () -> "got " + e.message());
    assertEquals(code, error.code(), error.message());
    return error;
  }

  /** Completes the authenticated handshake as {@code role} with {@code key} (that role's link key). */
  public AuthOkMessage handshake(PsRole role, byte[] key) throws IOException {
    send(response(readChallenge(), role, key, dialled()));
    return assertInstanceOf(AuthOkMessage.class, read().message());
  }

  /** The answer to {@code challenge} a connector of {@code role} holding {@code key} sends after dialling {@code target}. */
  public static Envelope response(AuthChallengeMessage challenge, PsRole role, byte[] key, String target) {
    byte[] nonce = new byte[Hmac.NONCE_BYTES];
    new SecureRandom().nextBytes(nonce);
    byte[] mac = Hmac.sign(key, Hmac.connectorTranscript(challenge.nonce(), nonce, role, target));
    return new Envelope(0, new AuthResponseMessage(role.wireId(), nonce, target, mac));
  }

  /** The address this peer dialled, as the handshake names it. */
  public String dialled() {
    return socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
  }

  /** True once the server has closed (EOF or reset) with nothing more to read. */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() == -1;
    } catch (EOFException | SocketException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
