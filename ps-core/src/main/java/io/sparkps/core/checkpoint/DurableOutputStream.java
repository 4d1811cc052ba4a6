package io.sparkps.core.checkpoint;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An output stream that makes what was written durable when it is closed, before close returns:
 * a shard file before its server answers, a manifest before its rename, so a crash cannot leave
 * a manifest naming data that only ever reached a cache. Subclasses say how ({@link #sync}).
 * Not thread-safe, like the streams it wraps.
 */
public abstract class DurableOutputStream extends FilterOutputStream {

  private boolean closed;

  protected DurableOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);  // FilterOutputStream would write byte by byte
  }

  /** Makes everything written so far durable; called once, by close, before the stream closes. */
  protected abstract void sync() throws IOException;

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (OutputStream o = out) {
      o.flush();
      sync();
    }
  }
}
