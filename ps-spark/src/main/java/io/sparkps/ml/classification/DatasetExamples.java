package io.sparkps.ml.classification;

import io.sparkps.ml.SparseExample;
import io.sparkps.spark.InvalidTrainingDataException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.util.AccumulatorV2;

/**
 * A binary estimator's input rows (label, features, optional weight columns) as {@link
 * SparseExample}s, checked while they are converted. The conversion does not fail its task on a bad
 * row (Spark would retry the task, and {@code PsContext.train} the run): it skips the row and
 * records it, with every vector's size, in an accumulator. {@link #check} runs the job that
 * converts the rows and fills the cache training reads anyway, then throws one {@link
 * InvalidTrainingDataException} naming the first bad row, before any training starts.
 * Driver-side; the conversion runs in tasks.
 */
final class DatasetExamples {

  private final String what;
  private final String whenEmpty;
  private final String featuresCol;
  private final Findings findings;
  private final JavaRDD<SparseExample> rows;

  private DatasetExamples(String what, String whenEmpty, String featuresCol, Findings findings,
      JavaRDD<SparseExample> rows) {
    this.what = what;
    this.whenEmpty = whenEmpty;
    this.featuresCol = featuresCol;
    this.findings = findings;
    this.rows = rows;
  }

  /**
   * {@code data}'s rows to convert; {@code weightCol} null means weight 1. {@code what} names the
   * rows in messages ("training rows"), {@code whenEmpty} says what to do if there are none.
   */
  static DatasetExamples of(Dataset<?> data, String what, String whenEmpty, String labelCol, String featuresCol,
      String weightCol) {
    Column weight = weightCol == null ? functions.lit(1.0) : functions.col(weightCol);
    // Internal rows: the vector is read from its struct without building a spark.ml Vector per row.
    JavaRDD<InternalRow> input = data.select(functions.col(labelCol).cast("double"), functions.col(featuresCol),
        weight.cast("double")).queryExecution().toRdd().toJavaRDD();
    Findings findings = new Findings();
    data.sparkSession().sparkContext().register(findings, "spark-ps checks of the " + what);
    String weightName = weightCol == null ? "weight" : "column " + weightCol;
    JavaRDD<SparseExample> rows = input.mapPartitionsWithIndex((partition, it) -> new Converting(it, partition,
        findings, "column " + labelCol, "column " + featuresCol, weightName), true);
    return new DatasetExamples(what, whenEmpty, featuresCol, findings, rows);
  }

  /** The converted rows; lazy, and free of the rows {@link #check} reports. */
  JavaRDD<SparseExample> rows() {
    return rows;
  }

  /** What the conversion found so far (after a job over {@link #rows()}); without a job, nothing. */
  Findings.Report findings() {
    return findings.value();
  }

  /**
   * Runs {@code persisted} (the persisted form of {@link #rows()}, repartitioned or not), which
   * converts and caches the rows, and returns their feature vectors' size. Fails with an {@link
   * InvalidTrainingDataException} on the first bad row, on vectors of different sizes, or on a
   * size other than {@code numFeatures} (negative: any one size), and when there are no rows.
   */
  long check(JavaRDD<SparseExample> persisted, long numFeatures) {
    persisted.count();
    Findings.Report r = findings.value();
    if (r.invalidRows() > 0) {
      throw new InvalidTrainingDataException(String.format(Locale.ROOT, "invalid %s: %,d of %,d rows cannot "
          + "be trained on; the first, in partition %d, row %d (counting from 0): %s", what, r.invalidRows(),
          r.rows(), r.first().partition(), r.first().row(), r.firstProblem()));
    }
    if (r.rows() == 0) {
      throw new InvalidTrainingDataException("no " + what + " in the input: " + whenEmpty);
    }
    if (r.smallest().size() != r.largest().size()) {
      throw new InvalidTrainingDataException(String.format(Locale.ROOT, "invalid %s: column %s holds vectors of "
          + "different sizes, %d (partition %d, row %d) and %d (partition %d, row %d); every row needs the same "
          + "features (build them with one VectorAssembler or FeatureHasher)", what, featuresCol,
          r.smallest().size(), r.smallest().partition(), r.smallest().row(), r.largest().size(),
          r.largest().partition(), r.largest().row()));
    }
    long size = r.smallest().size();
    if (numFeatures >= 0 && size != numFeatures) {
      throw new InvalidTrainingDataException(String.format(Locale.ROOT, "invalid %s: column %s holds vectors of "
          + "size %d (partition %d, row %d), but the model has %d features (the column's metadata or the "
          + "training rows); build the features of every row the same way", what, featuresCol, size,
          r.smallest().partition(), r.smallest().row(), numFeatures));
    }
    return size;
  }

  /** Converts one partition's rows, skipping and recording the bad ones. */
  private static final class Converting implements Iterator<SparseExample> {
    private final Iterator<InternalRow> input;
    private final int partition;
    private final Findings findings;
    private final String labelName;
    private final String featuresName;
    private final String weightName;
    private final VectorDecoder vectors;
    private long row = -1;
    private SparseExample next;

    Converting(Iterator<InternalRow> input, int partition, Findings findings, String labelName, String featuresName,
        String weightName) {
      this.input = input;
      this.partition = partition;
      this.findings = findings;
      this.labelName = labelName;
      this.featuresName = featuresName;
      this.weightName = weightName;
      this.vectors = new VectorDecoder(featuresName);
    }

    @Override
    public boolean hasNext() {
      while (next == null && input.hasNext()) {
        InternalRow r = input.next();  // reused by Spark: read now, keep nothing of it
        row++;
        String problem = problem(r);
        SparseExample e = problem == null ? vectors.decode(r.getStruct(1, 4), r.getDouble(0), r.getDouble(2)) : null;
        if (e != null) {
          findings.size(partition, row, vectors.size());
          next = e;
        } else {
          findings.invalid(partition, row, problem != null ? problem : vectors.problem());
        }
      }
      return next != null;
    }

    @Override
    public SparseExample next() {
      if (!hasNext()) {
        throw new NoSuchElementException("no more rows in partition " + partition);
      }
      SparseExample e = next;
      next = null;
      return e;
    }

    /** What is wrong with the row's label, weight or nulls (its features: {@link VectorDecoder}). */
    private String problem(InternalRow r) {
      if (r.isNullAt(0)) {
        return labelName + " is null: every row needs a label (filter those rows, e.g. with na().drop())";
      }
      if (r.isNullAt(1)) {
        return featuresName + " is null: every row needs a feature vector (filter those rows, e.g. with "
            + "na().drop())";
      }
      if (r.isNullAt(2)) {
        return weightName + " is null: every row needs a weight (fill or filter those rows)";
      }
      String p = ExampleChecks.label(labelName, r.getDouble(0));
      return p != null ? p : ExampleChecks.weight(weightName, r.getDouble(2));
    }
  }

  /**
   * What the conversion saw: rows, bad rows and the first of them, the smallest and largest vector
   * sizes and where. Tasks add to their copy; Spark merges the copies of successful tasks on the
   * driver. Not thread-safe (one task each).
   */
  static final class Findings extends AccumulatorV2<Findings.Invalid, Findings.Report> {

    private static final long serialVersionUID = 1L;

    /** A bad row: where, and what is wrong. */
    record Invalid(int partition, long row, String problem) implements Serializable {}

    /** A vector size and the first row (in partition, row order) that has it. */
    record Size(long size, int partition, long row) implements Serializable {}

    /** The merged findings; {@code first}, {@code smallest}, {@code largest} are null without rows. */
    record Report(long rows, long invalidRows, Invalid first, Size smallest, Size largest) implements Serializable {
      String firstProblem() {
        return first.problem();
      }
    }

    private long rows;
    private long invalidRows;
    private Invalid first;
    private Size smallest;
    private Size largest;

    /** One good row's vector size; allocates only when the row holds a new smallest or largest size. */
    void size(int partition, long row, long size) {
      rows++;
      if (smallest == null || size < smallest.size()
          || (size == smallest.size() && earlier(partition, row, smallest.partition(), smallest.row()))) {
        smallest = new Size(size, partition, row);
      }
      if (largest == null || size > largest.size()
          || (size == largest.size() && earlier(partition, row, largest.partition(), largest.row()))) {
        largest = new Size(size, partition, row);
      }
    }

    void invalid(int partition, long row, String problem) {
      add(new Invalid(partition, row, problem));
    }

    @Override
    public void add(Invalid v) {
      rows++;
      invalidRows++;
      if (first == null || earlier(v.partition(), v.row(), first.partition(), first.row())) {
        first = v;
      }
    }

    @Override
    public void merge(AccumulatorV2<Invalid, Report> other) {
      Findings o = (Findings) other;
      rows += o.rows;
      invalidRows += o.invalidRows;
      if (o.first != null && (first == null
          || earlier(o.first.partition(), o.first.row(), first.partition(), first.row()))) {
        first = o.first;
      }
      if (o.smallest != null && (smallest == null || before(o.smallest, smallest, true))) {
        smallest = o.smallest;
      }
      if (o.largest != null && (largest == null || before(o.largest, largest, false))) {
        largest = o.largest;
      }
    }

    /** Whether {@code a} replaces {@code b} as the smallest (or largest) size, earlier rows winning ties. */
    private static boolean before(Size a, Size b, boolean smallest) {
      if (a.size() != b.size()) {
        return smallest ? a.size() < b.size() : a.size() > b.size();
      }
      return earlier(a.partition(), a.row(), b.partition(), b.row());
    }

    private static boolean earlier(int p, long r, int q, long s) {
      return p != q ? p < q : r < s;
    }

    @Override
    public boolean isZero() {
      return rows == 0;
    }

    @Override
    public Findings copy() {
      Findings c = new Findings();
      c.rows = rows;
      c.invalidRows = invalidRows;
      c.first = first;
      c.smallest = smallest;
      c.largest = largest;
      return c;
    }

    @Override
    public void reset() {
      rows = 0;
      invalidRows = 0;
      first = null;
      smallest = null;
      largest = null;
    }

    @Override
    public Report value() {
      return new Report(rows, invalidRows, first, smallest, largest);
    }
  }
}
