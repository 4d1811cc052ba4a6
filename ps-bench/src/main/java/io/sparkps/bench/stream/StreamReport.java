package io.sparkps.bench.stream;

import io.sparkps.ml.streaming.MicroBatchStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The streaming benchmark's results as files: {@code stream-summary.md} (the figures, the targets
 * met or missed, one row per micro-batch), {@code stream-summary.csv} (metric, value) and
 * {@code stream-batches.csv} (one row per micro-batch, the replayed ones of the restart included).
 * Stateless.
 */
final class StreamReport {

  static final String SUMMARY_MD = "stream-summary.md";
  static final String SUMMARY_CSV = "stream-summary.csv";
  static final String BATCHES_CSV = "stream-batches.csv";

  private StreamReport() {}

  /** Writes the three files into {@code out}; returns their paths. */
  static List<Path> write(StreamFigures f, Path out) throws IOException {
    Files.createDirectories(out);
    Path md = Files.writeString(out.resolve(SUMMARY_MD), markdown(f), StandardCharsets.UTF_8);
    Path csv = Files.write(out.resolve(SUMMARY_CSV), summaryCsv(f), StandardCharsets.UTF_8);
    Path batches = Files.write(out.resolve(BATCHES_CSV), batchesCsv(f), StandardCharsets.UTF_8);
    return List.of(md, csv, batches);
  }

  static String markdown(StreamFigures f) {
    StringBuilder s = new StringBuilder();
    s.append(fmt("#### %s: N = %,d, D = %s; %,d training rows in %d parquet files of %,d rows, %d file%s per "
        + "micro-batch; %s, %d partitions, full checkpoint every %d micro-batches%n%n", f.size().name(), f.size().n(),
        f.size().dLabel(), f.pass().rows(), f.files(), f.rowsPerFile(), f.filesPerTrigger(),
        f.filesPerTrigger() == 1 ? "" : "s", f.config(), f.partitions(), f.fullEvery()));
    s.append("| measure | value |\n|---|---|\n");
    s.append(row("micro-batches, rows trained", fmt("%d, %,d", f.batches().size(), f.pass().rows())));
    s.append(row("sustained rows/s (first micro-batch's arrival to last commit)",
        fmt("%,.0f (%.2f s)", f.sustainedRowsPerSecond(), f.pass().wallSeconds())));
    s.append(row("rows/s over the trainer's time (progress(): sum of applied + commit)",
        fmt("%,.0f", f.trainerRowsPerSecond())));
    s.append(row("query start() to its end (AvailableNow)", fmt("%.2f s", f.pass().querySeconds())));
    s.append(row("single-threaded plain pass (same rows, AdaGrad)",
        fmt("%,.0f rows/s (%.2f s); stream / plain = %.3f", f.plainRowsPerSecond(), f.plainSeconds(),
            f.sustainedRowsPerSecond() / f.plainRowsPerSecond())));
    s.append(row("appliedSeconds p50 / p99 / mean", fmt("%.3f / %.3f / %.3f s", f.appliedP50(), f.appliedP99(),
        f.appliedMean())));
    s.append(row("inside appliedSeconds, per micro-batch: map stages (parquet scan, conversion, repartition write) / "
        + "result stages (row log, training) / the rest (driver)", fmt("%.1f x %.0f ms / %.1f x %.0f ms / %.0f ms",
            f.stagesPerBatch(true), f.stageMillis(true), f.stagesPerBatch(false), f.stageMillis(false),
            f.driverMillis())));
    s.append(row("rows read by the busiest task of a stage, share of the stage's rows: map / result stages",
        fmt("%.2f / %.2f (%d tasks share a stage's rows evenly at %.2f)", StageTimes.meanBusiestShare(
            f.pass().stages(), true), StageTimes.meanBusiestShare(f.pass().stages(), false), f.partitions(),
            1.0 / f.partitions())));
    s.append(row("commitSeconds mean (all / without full checkpoint)", fmt("%.3f / %.3f s", f.commitMean(),
        f.commitMeanPlain())));
    s.append(row("commitSeconds of the full-checkpoint micro-batches", Arrays.stream(f.commitFull())
        .mapToObj(v -> fmt("%.3f s", v)).collect(Collectors.joining(", "))));
    s.append(row("Spark per trigger, mean: triggerExecution / addBatch (the trainer) / outside addBatch",
        fmt("%.0f / %.0f / %.0f ms", f.sparkMeanMs("triggerExecution"), f.sparkMeanMs("addBatch"),
            f.sparkOutsideAddBatchMs())));
    s.append(row("held-out logloss (AUC): stream snapshot / one batch epoch / plain pass",
        fmt("%.4f (%.4f) / %.4f (%.4f) / %.4f (%.4f)", f.stream().logLoss(), f.stream().auc(), f.batch().logLoss(),
            f.batch().auc(), f.plain().logLoss(), f.plain().auc())));
    s.append(row("one batch epoch (fit, maxIter 1) / snapshot()", fmt("%.2f s / %.2f s", f.batchSeconds(),
        f.snapshotSeconds())));
    s.append(row("restart: recovery (committedBatch(): restore + replay)",
        fmt("%.2f s, %d micro-batches replayed (%s), at micro-batch %d", f.recoverySeconds(), f.replayed().size(),
            replayedRange(f.replayed()), f.recoveredBatch())));
    s.append(row("restart: held-out logloss of the recovered model", fmt("%.4f (before the restart %.4f)",
        f.recovered().logLoss(), f.stream().logLoss())));
    s.append("\n| target | measured | met |\n|---|---|---|\n");
    s.append(target(fmt("sustained >= %,.0f rows/s", StreamFigures.TARGET_ROWS_PER_SECOND),
        fmt("%,.0f rows/s (%.3f of the target; %.3f of the plain pass)", f.sustainedRowsPerSecond(),
            f.sustainedRowsPerSecond() / StreamFigures.TARGET_ROWS_PER_SECOND,
            f.sustainedRowsPerSecond() / f.plainRowsPerSecond()), f.rateMet()));
    s.append(target(fmt("held-out logloss within %.3f of one epoch of batch training",
        StreamFigures.TARGET_LOGLOSS_GAP),
        fmt("%.4f vs %.4f (%+.4f)", f.stream().logLoss(), f.batch().logLoss(), f.stream().logLoss()
            - f.batch().logLoss()), f.loglossMet()));
    s.append(target(fmt("appliedSeconds p99 <= %.0f s", StreamFigures.TARGET_APPLIED_P99),
        fmt("%.3f s", f.appliedP99()), f.latencyMet()));
    s.append("\n| micro-batch | rows | applied (s) | map stages (ms) | result stages (ms) | commit (s) "
        + "| full checkpoint | progressive logloss | Spark trigger (ms) | addBatch (ms) |\n"
        + "|---|---|---|---|---|---|---|---|---|---|\n");
    for (MicroBatchStats b : f.batches()) {
      Map<String, Long> sp = f.spark(b.batchId());
      s.append(fmt("| %d | %,d | %.3f | %d | %d | %.3f | %s | %.4f | %s | %s |%n", b.batchId(), b.rows(),
          b.appliedSeconds(), StageTimes.batchMillis(f.pass().stages(), b.batchId(), true),
          StageTimes.batchMillis(f.pass().stages(), b.batchId(), false), b.commitSeconds(),
          b.fullCheckpoint() ? "yes" : "", b.logLoss(), ms(sp, "triggerExecution"), ms(sp, "addBatch")));
    }
    return s.toString();
  }

  private static List<String> summaryCsv(StreamFigures f) {
    List<String> l = new ArrayList<>();
    l.add("metric,value");
    l.add("size," + f.size().name());
    l.add("n," + f.size().n());
    l.add("d," + f.size().d());
    l.add("config," + f.config());
    l.add("partitions," + f.partitions());
    l.add("rows_per_file," + f.rowsPerFile());
    l.add("files_per_trigger," + f.filesPerTrigger());
    l.add("full_checkpoint_every," + f.fullEvery());
    l.add("micro_batches," + f.batches().size());
    l.add("rows," + f.pass().rows());
    l.add("wall_s," + num(f.pass().wallSeconds()));
    l.add("query_s," + num(f.pass().querySeconds()));
    l.add("sustained_rows_per_s," + num(f.sustainedRowsPerSecond()));
    l.add("trainer_rows_per_s," + num(f.trainerRowsPerSecond()));
    l.add("plain_rows_per_s," + num(f.plainRowsPerSecond()));
    l.add("stream_over_plain," + num(f.sustainedRowsPerSecond() / f.plainRowsPerSecond()));
    l.add("applied_p50_s," + num(f.appliedP50()));
    l.add("applied_p99_s," + num(f.appliedP99()));
    l.add("applied_mean_s," + num(f.appliedMean()));
    l.add("map_stages_per_batch," + num(f.stagesPerBatch(true)));
    l.add("map_stage_mean_ms," + num(f.stageMillis(true)));
    l.add("result_stages_per_batch," + num(f.stagesPerBatch(false)));
    l.add("result_stage_mean_ms," + num(f.stageMillis(false)));
    l.add("applied_outside_stages_mean_ms," + num(f.driverMillis()));
    l.add("map_busiest_task_share," + num(StageTimes.meanBusiestShare(f.pass().stages(), true)));
    l.add("result_busiest_task_share," + num(StageTimes.meanBusiestShare(f.pass().stages(), false)));
    l.add("commit_mean_s," + num(f.commitMean()));
    l.add("commit_mean_without_full_s," + num(f.commitMeanPlain()));
    l.add("commit_full_mean_s," + num(Arrays.stream(f.commitFull()).average().orElse(Double.NaN)));
    l.add("spark_trigger_mean_ms," + num(f.sparkMeanMs("triggerExecution")));
    l.add("spark_add_batch_mean_ms," + num(f.sparkMeanMs("addBatch")));
    l.add("spark_outside_add_batch_mean_ms," + num(f.sparkOutsideAddBatchMs()));
    l.add("stream_logloss," + num(f.stream().logLoss()));
    l.add("stream_auc," + num(f.stream().auc()));
    l.add("batch_logloss," + num(f.batch().logLoss()));
    l.add("batch_auc," + num(f.batch().auc()));
    l.add("batch_s," + num(f.batchSeconds()));
    l.add("plain_logloss," + num(f.plain().logLoss()));
    l.add("snapshot_s," + num(f.snapshotSeconds()));
    l.add("recovery_s," + num(f.recoverySeconds()));
    l.add("replayed_micro_batches," + f.replayed().size());
    l.add("recovered_logloss," + num(f.recovered().logLoss()));
    l.add("target_rows_per_s_met," + f.rateMet());
    l.add("target_logloss_met," + f.loglossMet());
    l.add("target_applied_p99_met," + f.latencyMet());
    return l;
  }

  private static List<String> batchesCsv(StreamFigures f) {
    List<String> l = new ArrayList<>();
    l.add("phase,batch,rows,applied_s,commit_s,full_checkpoint,progressive_logloss,replayed,spark_trigger_ms,"
        + "spark_add_batch_ms,spark_latest_offset_ms,spark_query_planning_ms,spark_wal_commit_ms,"
        + "spark_commit_offsets_ms,map_stages_ms,result_stages_ms");
    for (MicroBatchStats b : f.batches()) {
      Map<String, Long> sp = f.spark(b.batchId());
      l.add(String.join(",", "stream", batchLine(b), ms(sp, "triggerExecution"), ms(sp, "addBatch"),
          ms(sp, "latestOffset"), ms(sp, "queryPlanning"), ms(sp, "walCommit"), ms(sp, "commitOffsets"),
          Long.toString(StageTimes.batchMillis(f.pass().stages(), b.batchId(), true)),
          Long.toString(StageTimes.batchMillis(f.pass().stages(), b.batchId(), false))));
    }
    for (MicroBatchStats b : f.replayed()) {
      l.add(String.join(",", "recovery", batchLine(b), "", "", "", "", "", "", "", ""));
    }
    return l;
  }

  private static String batchLine(MicroBatchStats b) {
    return String.join(",", Long.toString(b.batchId()), Long.toString(b.rows()), num(b.appliedSeconds()),
        num(b.commitSeconds()), Boolean.toString(b.fullCheckpoint()), num(b.logLoss()), Boolean.toString(b.replayed()));
  }

  private static String replayedRange(List<MicroBatchStats> r) {
    return r.isEmpty() ? "none" : r.get(0).batchId() + ".." + r.get(r.size() - 1).batchId();
  }

  private static String ms(Map<String, Long> sp, String key) {
    Long v = sp.get(key);
    return v == null ? "" : Long.toString(v);
  }

  private static String row(String measure, String value) {
    return "| " + measure + " | " + value + " |\n";
  }

  private static String target(String target, String measured, boolean met) {
    return "| " + target + " | " + measured + " | " + (met ? "yes" : "**no**") + " |\n";
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
