package io.sparkps.core.it;

import io.sparkps.core.client.PsClient;
import io.sparkps.core.config.PsConfig;
import io.sparkps.core.config.Ticker;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.scheduler.PsScheduler;
import io.sparkps.core.server.PsServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A scheduler, N servers and a client in this JVM on loopback; closes everything it started. */
final class TestCluster implements AutoCloseable {

  final PsConfig config;
  final PsScheduler scheduler;
  final List<PsServer> servers = new ArrayList<>();
  final List<PsClient> clients = new ArrayList<>();

  TestCluster(int servers, PsConfig config, Ticker ticker) throws Exception {
    this.config = config;
    this.scheduler = PsScheduler.start(config, 0, ticker);
    try {
      for (int i = 0; i < servers; i++) {
        addServer();
      }
      scheduler.awaitServers(servers).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  TestCluster(int servers) throws Exception {
    this(servers, PsConfig.builder().shardThreads(2).ioThreads(2).build(), Ticker.systemTicker());
  }

  PsServer addServer() throws IOException {
    PsServer s = PsServer.start(config, 0, scheduler.host(), scheduler.port());
    servers.add(s);
    return s;
  }

  PsClient client() throws IOException {
    return client(config);
  }

  PsClient client(PsConfig clientConfig) throws IOException {
    PsClient c = PsClient.connect(clientConfig, scheduler.host(), scheduler.port());
    clients.add(c);
    return c;
  }

  /** The server hosting {@code shard} of {@code route}. */
  PsServer ownerOf(TableRoute route, int shard) {
    int id = route.ownerOf(shard);
    return servers.stream().filter(s -> s.serverId() == id).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    clients.forEach(PsClient::close);
    // The scheduler first: servers closing one by one before it would each trigger a recovery.
    scheduler.close();
    servers.forEach(PsServer::close);
  }
}
