package io.sparkps.core.scheduler;

import io.sparkps.core.config.TableSpec;
import io.sparkps.core.partition.TableRoute;
import io.sparkps.core.protocol.ErrorCode;
import io.sparkps.core.protocol.PsRemoteException;
import io.sparkps.core.update.Updaters;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The table catalogue: each table's route (id, spec, shard owners) by name, and the names being
 * created, so two creations of one name cannot both win while their shards are being made. Table
 * ids are never reused, so a late message about a dropped table cannot touch its successor. Not
 * thread-safe: the scheduler guards it.
 */
final class TableCatalog {

  private final Map<String, TableRoute> tables = new LinkedHashMap<>();
  private final Set<String> pending = new HashSet<>();
  private int nextTableId = 1;

  /**
   * Checks that a table of {@code spec} may be created.
   *
   * @throws PsRemoteException {@code DUPLICATE_TABLE} when the name is taken or being created,
   *     {@code UNKNOWN_UPDATER} when the spec names an updater that does not exist
   */
  void checkNew(TableSpec spec) {
    if (tables.containsKey(spec.name()) || pending.contains(spec.name())) {
      throw new PsRemoteException(ErrorCode.DUPLICATE_TABLE,
          "a table with this name exists: name=" + spec.name() + "; drop it first or pick another name");
    }
    try {
      Updaters.create(spec.updater());
    } catch (IllegalArgumentException e) {
      throw new PsRemoteException(ErrorCode.UNKNOWN_UPDATER, e.getMessage());
    }
  }

  /** Reserves a checked name for a creation and returns the new table's id. */
  int reserve(String name) {
    pending.add(name);
    return nextTableId++;
  }

  /** A reserved table's shards exist: it joins the catalogue. */
  void created(TableRoute route) {
    pending.remove(route.spec().name());
    tables.put(route.spec().name(), route);
  }

  /** A reserved table's creation failed: its name is free again. */
  void abandoned(String name) {
    pending.remove(name);
  }

  /** Removes a table; returns its route, or null if there is none. */
  TableRoute remove(String name) {
    return tables.remove(name);
  }

  TableRoute get(String name) {
    return tables.get(name);
  }

  boolean contains(String name) {
    return tables.containsKey(name);
  }

  boolean isEmpty() {
    return tables.isEmpty();
  }

  Set<String> names() {
    return tables.keySet();
  }

  /** The routes in creation order (a live view). */
  Collection<TableRoute> routes() {
    return tables.values();
  }

  /** Gives table {@code name}'s shards new owners (shards moved by a recovery). */
  void moveShards(String name, int[] owners) {
    TableRoute old = tables.get(name);
    tables.put(name, new TableRoute(old.tableId(), old.spec(), owners));
  }
}
