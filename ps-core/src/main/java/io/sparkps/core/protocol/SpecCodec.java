package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.update.UpdaterSpec;

/**
 * Little-endian encoding of the table specs carried by CREATE_TABLE and CREATE_SHARD (and inside
 * routing tables): {@link TableSpec} with its {@link UpdaterSpec} and {@link InitializerSpec}.
 * Every {@code read*} rebuilds the value through its factory, so invalid values throw
 * IllegalArgumentException. No method takes ownership of the {@code ByteBuf}. Stateless.
 */
public final class SpecCodec {

  private SpecCodec() {}

  public static int updaterSpecLength(UpdaterSpec u) {
    return Codec.stringLength(u.name()) + Codec.doublesLength(u.params());
  }

  public static void writeUpdaterSpec(ByteBuf buf, UpdaterSpec u) {
    Codec.writeString(buf, u.name());
    Codec.writeDoubles(buf, u.params());
  }

  /** Rebuilt through {@link UpdaterSpec#of}: invalid values throw IllegalArgumentException. */
  public static UpdaterSpec readUpdaterSpec(ByteBuf buf) {
    String name = Codec.readString(buf, "updater name");
    double[] params = Codec.readDoubles(buf, "updater params");
    return UpdaterSpec.of(name, params);
  }

  public static int initializerSpecLength(InitializerSpec s) {
    return 1 + 8 + 8 + 8;
  }

  public static void writeInitializerSpec(ByteBuf buf, InitializerSpec s) {
    buf.writeByte(s.kind().ordinal());
    buf.writeLongLE(Double.doubleToRawLongBits(s.a()));
    buf.writeLongLE(Double.doubleToRawLongBits(s.b()));
    buf.writeLongLE(s.seed());
  }

  /** Rebuilt through {@link InitializerSpec#of}: invalid values throw IllegalArgumentException. */
  public static InitializerSpec readInitializerSpec(ByteBuf buf) {
    InitializerSpec.Kind kind = Codec.readEnum(buf, InitializerSpec.Kind.values(), "initializer kind");
    double a = Double.longBitsToDouble(buf.readLongLE());
    double b = Double.longBitsToDouble(buf.readLongLE());
    long seed = buf.readLongLE();
    return InitializerSpec.of(kind, a, b, seed);
  }

  public static int tableSpecLength(TableSpec s) {
    return Codec.stringLength(s.name()) + 1 + 8 + 4 + updaterSpecLength(s.updater())
        + initializerSpecLength(s.initializer()) + 1;
  }

  public static void writeTableSpec(ByteBuf buf, TableSpec s) {
    Codec.writeString(buf, s.name());
    buf.writeByte(s.kind().ordinal());
    buf.writeLongLE(s.rows());
    buf.writeIntLE(s.dim());
    writeUpdaterSpec(buf, s.updater());
    writeInitializerSpec(buf, s.initializer());
    buf.writeByte(s.storage().ordinal());
  }

  /** Rebuilt through {@link TableSpec#of}: invalid values throw IllegalArgumentException. */
  public static TableSpec readTableSpec(ByteBuf buf) {
    String name = Codec.readString(buf, "table name");
    TableSpec.Kind kind = Codec.readEnum(buf, TableSpec.Kind.values(), "table kind");
    long rows = buf.readLongLE();
    int dim = buf.readIntLE();
    UpdaterSpec updater = readUpdaterSpec(buf);
    InitializerSpec initializer = readInitializerSpec(buf);
    TableSpec.Storage storage = Codec.readEnum(buf, TableSpec.Storage.values(), "table storage");
    return TableSpec.of(name, kind, rows, dim, updater, initializer, storage);
  }
}
