package io.sparkps.bench.scaling;

import io.sparkps.core.client.PsClient;
import io.sparkps.core.client.SparseTable;
import io.sparkps.core.client.Worker;
import io.sparkps.core.clock.Consistency;
import io.sparkps.core.partition.Partitioner;
import io.sparkps.core.partition.ServerInfo;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.examples.data.SyntheticData;
import java.util.BitSet;
import java.util.List;

/**
 * One worker JVM of the scaling run: generates its rows' batches, runs a warm-up, then for each
 * consistency model waits at the driver's start barrier, runs one epoch of sparse-LR mini-batches
 * (pull the batch's distinct keys, compute the gradient, push, clock) and prints a {@link
 * WorkerResult} line. Started by {@link ScalingBench}; exits when its epochs are done.
 */
public final class ScalingWorker {

  private ScalingWorker() {}

  public static void main(String[] args) throws Exception {
    ScalingOptions o = ScalingOptions.parse(args);
    ScalingOptions.WorkerArgs me = ScalingOptions.WorkerArgs.parse(args);
    int perWorker = o.rows() / me.numWorkers();
    long warmFirst = o.rows() + (long) me.id() * o.warmup() * o.batch();
    SyntheticData data = SyntheticData.of(o.rows() + (long) me.numWorkers() * o.warmup() * o.batch(), o.d());
    BatchPlan plan = BatchPlan.generate(data, (long) me.id() * perWorker, perWorker / o.batch(), o.batch());
    BatchPlan warm = BatchPlan.generate(data, warmFirst, o.warmup(), o.batch());
    try (PsClient client = PsClient.connect(ScalingBench.clientConfig(), me.host(), me.port())) {
      SparseTable table = client.sparseTable(ScalingBench.TABLE);
      TableRoute route = client.routing().table(ScalingBench.TABLE).orElseThrow();
      List<Integer> servers = client.routing().servers().stream().map(ServerInfo::id).sorted().toList();
      epoch(client, table, warm, "warm", Consistency.asp(), me);
      for (String mode : o.modes()) {
        client.barrier("ready-" + mode, me.numWorkers() + 1);
        WorkerResult r = epoch(client, table, plan, mode, ScalingOptions.consistency(mode), me);
        r = withLoad(r, plan, route, servers);
        client.barrier("done-" + mode, me.numWorkers() + 1);
        System.out.println(r.toLine());
      }
    }
  }

  private static WorkerResult epoch(PsClient client, SparseTable table, BatchPlan plan, String mode,
      Consistency consistency, ScalingOptions.WorkerArgs me) {
    long pull = 0;
    long compute = 0;
    long push = 0;
    long clock = 0;
    long keys = 0;
    long start = System.nanoTime();
    try (Worker worker = Worker.register(client, "scaling-" + mode, me.id(), me.numWorkers(), consistency)) {
      for (int b = 0; b < plan.batches(); b++) {
        long[] k = plan.keys[b];
        long t0 = System.nanoTime();
        float[] weights = table.pull(k);
        long t1 = System.nanoTime();
        float[] grad = new float[k.length];
        plan.gradient(b, weights, grad);
        long t2 = System.nanoTime();
        worker.push(table, k, grad);
        long t3 = System.nanoTime();
        worker.clock();
        long t4 = System.nanoTime();
        pull += t1 - t0;
        compute += t2 - t1;
        push += t3 - t2;
        clock += t4 - t3;
        keys += k.length;
      }
      worker.finish();
    }
    return new WorkerResult(mode, me.id(), plan.batches(), keys, 0, pull, compute, push, clock,
        System.nanoTime() - start, new long[0]);
  }

  /** Adds frames per batch and keys per server, from the table's partitioner (outside the timed loop). */
  private static WorkerResult withLoad(WorkerResult r, BatchPlan plan, TableRoute route, List<Integer> servers) {
    long frames = 0;
    long[] perServer = new long[servers.size()];
    BitSet shards = new BitSet(route.numShards());
    Partitioner partitioner = route.partitioner();
    for (long[] keys : plan.keys) {
      shards.clear();
      for (long key : keys) {
        int shard = partitioner.shardOf(key);
        shards.set(shard);
        perServer[servers.indexOf(route.ownerOf(shard))]++;
      }
      frames += shards.cardinality();
    }
    return new WorkerResult(r.mode(), r.worker(), r.batches(), r.keys(), frames, r.pullNanos(), r.computeNanos(),
        r.pushNanos(), r.clockNanos(), r.wallNanos(), perServer);
  }
}
