package io.sparkps.core.checkpoint;

import io.sparkps.core.config.TableSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

/**
 * What a finished checkpoint holds: its id, when it was taken, the routing version, the clock at
 * which each running training run was cut, and the tables with their shard counts and specs.
 * Written last, as a small text file readable by people; its presence is what makes a checkpoint
 * usable. Immutable.
 */
public record Manifest(long id, long createdAtMillis, long routingVersion, long bytes, List<RunCut> runs,
    List<TableEntry> tables) {

  private static final int FORMAT = 1;

  /** A run cut at {@code clock}: every worker had reported it, none had pushed beyond it. */
  public record RunCut(String name, long runId, long clock) {}

  /** A table in the checkpoint: one shard file per shard. */
  public record TableEntry(String name, int tableId, int shards, TableSpec spec) {}

  public Manifest {
    runs = List.copyOf(runs);
    tables = List.copyOf(tables);
  }

  /** The table named {@code name}, if the checkpoint holds it. */
  public java.util.Optional<TableEntry> table(String name) {
    return tables.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The cut of the run with id {@code runId}, if it was running when the checkpoint was taken. */
  public java.util.Optional<RunCut> run(long runId) {
    return runs.stream().filter(r -> r.runId() == runId).findFirst();
  }

  /** The same checkpoint without run cuts: restored into another application, its runs mean nothing. */
  public Manifest withoutRuns() {
    return new Manifest(id, createdAtMillis, routingVersion, bytes, List.of(), tables);
  }

  public void write(OutputStream out) throws IOException {
    Properties p = new Properties();
    p.setProperty("format", Integer.toString(FORMAT));
    p.setProperty("id", Long.toString(id));
    p.setProperty("createdAt", Instant.ofEpochMilli(createdAtMillis).toString());
    p.setProperty("routingVersion", Long.toString(routingVersion));
    p.setProperty("bytes", Long.toString(bytes));
    p.setProperty("runs", Integer.toString(runs.size()));
    for (int i = 0; i < runs.size(); i++) {
      RunCut r = runs.get(i);
      p.setProperty("run." + i + ".name", r.name());
      p.setProperty("run." + i + ".id", Long.toString(r.runId()));
      p.setProperty("run." + i + ".clock", Long.toString(r.clock()));
    }
    p.setProperty("tables", Integer.toString(tables.size()));
    for (int i = 0; i < tables.size(); i++) {
      TableEntry t = tables.get(i);
      p.setProperty("table." + i + ".name", t.name());
      p.setProperty("table." + i + ".id", Integer.toString(t.tableId()));
      p.setProperty("table." + i + ".shards", Integer.toString(t.shards()));
      p.setProperty("table." + i + ".describe", t.spec().toString());
      p.setProperty("table." + i + ".spec", encode(t.spec()));
    }
    try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
      p.store(w, "spark-ps checkpoint manifest: the checkpoint is complete");
    }
  }

  public static Manifest read(InputStream in, String source) throws IOException {
    Properties p = new Properties();
    try (InputStreamReader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    try {
      int format = Integer.parseInt(required(p, "format", source));
      if (format != FORMAT) {
        throw new IOException("checkpoint manifest " + source + " has format " + format + "; this version reads "
            + FORMAT);
      }
      List<RunCut> runs = new ArrayList<>();
      for (int i = 0, n = Integer.parseInt(required(p, "runs", source)); i < n; i++) {
        runs.add(new RunCut(required(p, "run." + i + ".name", source),
            Long.parseLong(required(p, "run." + i + ".id", source)),
            Long.parseLong(required(p, "run." + i + ".clock", source))));
      }
      List<TableEntry> tables = new ArrayList<>();
      for (int i = 0, n = Integer.parseInt(required(p, "tables", source)); i < n; i++) {
        tables.add(new TableEntry(required(p, "table." + i + ".name", source),
            Integer.parseInt(required(p, "table." + i + ".id", source)),
            Integer.parseInt(required(p, "table." + i + ".shards", source)),
            decode(required(p, "table." + i + ".spec", source), source)));
      }
      return new Manifest(Long.parseLong(required(p, "id", source)),
          Instant.parse(required(p, "createdAt", source)).toEpochMilli(),
          Long.parseLong(required(p, "routingVersion", source)), Long.parseLong(required(p, "bytes", source)),
          runs, tables);
    } catch (RuntimeException e) {
      throw new IOException("checkpoint manifest " + source + " is corrupt: " + e.getMessage(), e);
    }
  }

  private static String required(Properties p, String key, String source) throws IOException {
    String v = p.getProperty(key);
    if (v == null) {
      throw new IOException("checkpoint manifest " + source + " lacks " + key);
    }
    return v;
  }

  // The spec travels as Java serialisation: TableSpec is Serializable and validated on read.
  private static String encode(TableSpec spec) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(spec);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  private static TableSpec decode(String text, String source) throws IOException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(text)))) {
      return (TableSpec) in.readObject();
    } catch (ClassNotFoundException | ClassCastException e) {
      throw new IOException("checkpoint manifest " + source + " holds an unreadable table spec: " + e, e);
    }
  }
}
