package io.sparkps.spark;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.Reservoir;
import com.codahale.metrics.Snapshot;
import io.sparkps.core.metrics.LatencySnapshot;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A Dropwizard histogram over a ps-core {@link io.sparkps.core.metrics.LatencyHistogram}: count,
 * percentiles, mean and max come from the fixed buckets the server fills (bounded memory, no
 * sampling, counting since the server started), converted from nanoseconds to {@code unitNanos}
 * units. Dropwizard's own {@code update} is not used. Thread-safe.
 */
final class BucketHistogram extends Histogram {

  private final Supplier<LatencySnapshot> source;
  private final double unitNanos;

  BucketHistogram(Supplier<LatencySnapshot> source, long unitNanos) {
    super(new Unused());
    this.source = source;
    this.unitNanos = unitNanos;
  }

  @Override
  public long getCount() {
    return source.get().count();
  }

  @Override
  public Snapshot getSnapshot() {
    return new BucketSnapshot(source.get(), unitNanos);
  }

  /** What a Histogram's constructor insists on; the snapshot comes from the buckets instead. */
  private static final class Unused implements Reservoir {
    @Override
    public int size() {
      return 0;
    }

    @Override
    public void update(long value) {
      throw new UnsupportedOperationException("spark-ps histograms are filled by the parameter server");
    }

    @Override
    public Snapshot getSnapshot() {
      throw new UnsupportedOperationException("read BucketHistogram.getSnapshot()");
    }
  }

  /** Percentiles read from the buckets (at most 25% above the true value, see LatencySnapshot). */
  private static final class BucketSnapshot extends Snapshot {
    private final LatencySnapshot s;
    private final double unitNanos;

    BucketSnapshot(LatencySnapshot s, double unitNanos) {
      this.s = s;
      this.unitNanos = unitNanos;
    }

    @Override
    public double getValue(double quantile) {
      return s.percentile(quantile) / unitNanos;
    }

    /** The values themselves are not kept (that is what bounds the memory). */
    @Override
    public long[] getValues() {
      return new long[0];
    }

    @Override
    public int size() {
      return (int) Math.min(Integer.MAX_VALUE, s.count());
    }

    @Override
    public long getMax() {
      return Math.round(s.max() / unitNanos);
    }

    @Override
    public double getMean() {
      return s.mean() / unitNanos;
    }

    @Override
    public long getMin() {
      return Math.round(s.percentile(0) / unitNanos);
    }

    /** Not kept: the buckets are too coarse for a meaningful one. */
    @Override
    public double getStdDev() {
      return 0;
    }

    @Override
    public void dump(OutputStream output) {
      PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(output, StandardCharsets.UTF_8));
      out.println(s);
      out.flush();
    }
  }
}
