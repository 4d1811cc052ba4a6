package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.sparkps.core.config.FeatureLifecycle;
import io.sparkps.core.config.InitializerSpec;
import io.sparkps.core.config.TableSpec;
import io.sparkps.core.update.UpdaterSpec;

/**
 * Little-endian encoding of the table specs carried by CREATE_TABLE and CREATE_SHARD (and inside
 * routing tables): {@link TableSpec} with its {@link UpdaterSpec} and {@link InitializerSpec}.
 * Every {@code read*} rebuilds the value through its factory, so invalid values throw
 * IllegalArgumentException. No method takes ownership of the {@code ByteBuf}. Stateless.
 *
 * <p>A table spec ends with its storage byte. When the spec has {@link FeatureLifecycle} options,
 * that byte's high bit ({@link #LIFECYCLE_FOLLOWS}) is set and the options follow it (24 bytes);
 * a spec without them encodes exactly as before the options existed, so older encodings (and the
 * golden bytes) still read the same.
 */
public final class SpecCodec {

  /** Set in the storage byte when {@link FeatureLifecycle} options follow it. */
  static final int LIFECYCLE_FOLLOWS = 0x80;
  private static final int LIFECYCLE_LENGTH = 8 + 8 + 4 + 4;

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
        + initializerSpecLength(s.initializer()) + 1 + (s.lifecycle().isSet() ? LIFECYCLE_LENGTH : 0);
  }

  public static void writeTableSpec(ByteBuf buf, TableSpec s) {
    Codec.writeString(buf, s.name());
    buf.writeByte(s.kind().ordinal());
    buf.writeLongLE(s.rows());
    buf.writeIntLE(s.dim());
    writeUpdaterSpec(buf, s.updater());
    writeInitializerSpec(buf, s.initializer());
    FeatureLifecycle l = s.lifecycle();
    if (!l.isSet()) {
      buf.writeByte(s.storage().ordinal());
      return;
    }
    buf.writeByte(s.storage().ordinal() | LIFECYCLE_FOLLOWS);
    buf.writeLongLE(l.expireAfterClocks());
    buf.writeLongLE(l.expireAfterMillis());
    buf.writeIntLE(l.admitAfter());
    buf.writeIntLE(l.admissionSketchBytes());
  }

  /** Rebuilt through {@link TableSpec#of}: invalid values throw IllegalArgumentException. */
  public static TableSpec readTableSpec(ByteBuf buf) {
    String name = Codec.readString(buf, "table name");
    TableSpec.Kind kind = Codec.readEnum(buf, TableSpec.Kind.values(), "table kind");
    long rows = buf.readLongLE();
    int dim = buf.readIntLE();
    UpdaterSpec updater = readUpdaterSpec(buf);
    InitializerSpec initializer = readInitializerSpec(buf);
    int storageByte = buf.readUnsignedByte();
    TableSpec.Storage storage = storageOf(storageByte & ~LIFECYCLE_FOLLOWS);
    if ((storageByte & LIFECYCLE_FOLLOWS) == 0) {
      return TableSpec.of(name, kind, rows, dim, updater, initializer, storage);
    }
    if (buf.readableBytes() < LIFECYCLE_LENGTH) {
      throw new MalformedMessageException("truncated table lifecycle: bytesLeft=" + buf.readableBytes()
          + " (" + LIFECYCLE_LENGTH + ")");
    }
    long expireAfterClocks = buf.readLongLE();
    long expireAfterMillis = buf.readLongLE();
    int admitAfter = buf.readIntLE();
    int sketchBytes = buf.readIntLE();
    return TableSpec.of(name, kind, rows, dim, updater, initializer, storage,
        FeatureLifecycle.of(expireAfterClocks, expireAfterMillis, admitAfter, sketchBytes));
  }

  private static TableSpec.Storage storageOf(int ordinal) {
    TableSpec.Storage[] values = TableSpec.Storage.values();
    if (ordinal >= values.length) {
      throw new MalformedMessageException(
          "unknown table storage: ordinal=" + ordinal + " ([0, " + (values.length - 1) + "])");
    }
    return values[ordinal];
  }
}
