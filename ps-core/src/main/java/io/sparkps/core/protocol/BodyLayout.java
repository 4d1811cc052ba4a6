package io.sparkps.core.protocol;

import io.netty.buffer.ByteBuf;
import io.sparkps.core.config.TableSpec;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * A message body declared once, as its type and its fields in wire order: the layout computes
 * the body's length, writes it and reads it back, so a message of a few plain fields is a record
 * with a {@code LAYOUT} constant and a one-line {@code decode} (see {@link LaidOutMessage})
 * instead of three hand-written mirror images. Field encodings are {@link Codec}'s; a read error
 * names the field as {@code "TYPE field"}. Messages with more fields, optional parts or shared
 * prefixes (PUSH, CAS, CREATE_SHARD, {@link KeyListRequest}, {@link WorkerRequest}...) keep
 * hand-written codecs. Immutable and thread-safe.
 *
 * @param <T> the message record
 */
public final class BodyLayout<T extends Message> {

  /** A field of message {@code T}: its name, its accessor and its encoding. */
  public static final class Field<T, V> {
    private final String name;
    private final Function<T, V> getter;
    private final Encoding<V> encoding;

    private Field(String name, Function<T, V> getter, Encoding<V> encoding) {
      this.name = name;
      this.getter = getter;
      this.encoding = encoding;
    }
  }

  /** How one field type is measured, written and read. */
  private interface Encoding<V> {
    int length(V v);

    void write(ByteBuf buf, V v);

    V read(ByteBuf buf, String what);
  }

  private static final Encoding<Integer> INT32 =
      fixed(4, (buf, v) -> buf.writeIntLE(v), (buf, what) -> buf.readIntLE());
  private static final Encoding<Long> INT64 =
      fixed(8, (buf, v) -> buf.writeLongLE(v), (buf, what) -> buf.readLongLE());
  private static final Encoding<Boolean> BOOLEAN = fixed(1, Codec::writeBoolean, Codec::readBoolean);
  private static final Encoding<String> STRING = of(Codec::stringLength, Codec::writeString, Codec::readString);
  private static final Encoding<byte[]> BYTES = of(Codec::bytesLength, Codec::writeBytes, Codec::readBytes);
  private static final Encoding<int[]> INTS = of(Codec::intsLength, Codec::writeInts, Codec::readInts);
  private static final Encoding<long[]> LONGS = of(Codec::longsLength, Codec::writeLongs, Codec::readLongs);
  private static final Encoding<boolean[]> BOOLEANS =
      of(Codec::booleansLength, Codec::writeBooleans, Codec::readBooleans);
  private static final Encoding<TableSpec> TABLE_SPEC =
      of(SpecCodec::tableSpecLength, SpecCodec::writeTableSpec, (buf, what) -> SpecCodec.readTableSpec(buf));
  private static final Encoding<float[]> FLOATS = of(Codec::floatsLength, Codec::writeFloats, Codec::readFloats);

  private final MessageType type;
  private final List<Field<T, ?>> fields;
  private final Function<ByteBuf, T> reader;

  private BodyLayout(MessageType type, List<Field<T, ?>> fields, Function<ByteBuf, T> reader) {
    this.type = type;
    this.fields = fields;
    this.reader = reader;
  }

  // ---- fields ------------------------------------------------------------------------------

  public static <T> Field<T, Integer> int32(String name, Function<T, Integer> getter) {
    return new Field<>(name, getter, INT32);
  }

  public static <T> Field<T, Long> int64(String name, Function<T, Long> getter) {
    return new Field<>(name, getter, INT64);
  }

  /** One byte, 0 or 1; any other value is malformed. */
  public static <T> Field<T, Boolean> bool(String name, Function<T, Boolean> getter) {
    return new Field<>(name, getter, BOOLEAN);
  }

  public static <T> Field<T, String> string(String name, Function<T, String> getter) {
    return new Field<>(name, getter, STRING);
  }

  public static <T> Field<T, byte[]> bytes(String name, Function<T, byte[]> getter) {
    return new Field<>(name, getter, BYTES);
  }

  public static <T> Field<T, int[]> ints(String name, Function<T, int[]> getter) {
    return new Field<>(name, getter, INTS);
  }

  public static <T> Field<T, long[]> longs(String name, Function<T, long[]> getter) {
    return new Field<>(name, getter, LONGS);
  }

  public static <T> Field<T, boolean[]> booleans(String name, Function<T, boolean[]> getter) {
    return new Field<>(name, getter, BOOLEANS);
  }

  /** Rebuilt through {@link TableSpec#of}: invalid values throw IllegalArgumentException. */
  public static <T> Field<T, TableSpec> tableSpec(String name, Function<T, TableSpec> getter) {
    return new Field<>(name, getter, TABLE_SPEC);
  }

  public static <T> Field<T, float[]> floats(String name, Function<T, float[]> getter) {
    return new Field<>(name, getter, FLOATS);
  }

  // ---- layouts -----------------------------------------------------------------------------

  public static <T extends Message, A> BodyLayout<T> of(MessageType type, Field<T, A> a, Function<A, T> create) {
    return new BodyLayout<>(type, List.of(a), body -> create.apply(read(body, type, a)));
  }

  public static <T extends Message, A, B> BodyLayout<T> of(MessageType type, Field<T, A> a, Field<T, B> b,
      BiFunction<A, B, T> create) {
    return new BodyLayout<>(type, List.of(a, b), body -> {
      A va = read(body, type, a);
      return create.apply(va, read(body, type, b));
    });
  }

  /** A constructor of three fields. */
  @FunctionalInterface
  public interface Create3<A, B, C, T> {
    T apply(A a, B b, C c);
  }

  public static <T extends Message, A, B, C> BodyLayout<T> of(MessageType type, Field<T, A> a, Field<T, B> b,
      Field<T, C> c, Create3<A, B, C, T> create) {
    return new BodyLayout<>(type, List.of(a, b, c), body -> {
      A va = read(body, type, a);
      B vb = read(body, type, b);
      return create.apply(va, vb, read(body, type, c));
    });
  }

  /** A constructor of four fields. */
  @FunctionalInterface
  public interface Create4<A, B, C, D, T> {
    T apply(A a, B b, C c, D d);
  }

  public static <T extends Message, A, B, C, D> BodyLayout<T> of(MessageType type, Field<T, A> a, Field<T, B> b,
      Field<T, C> c, Field<T, D> d, Create4<A, B, C, D, T> create) {
    return new BodyLayout<>(type, List.of(a, b, c, d), body -> {
      A va = read(body, type, a);
      B vb = read(body, type, b);
      C vc = read(body, type, c);
      return create.apply(va, vb, vc, read(body, type, d));
    });
  }

  // ---- use ---------------------------------------------------------------------------------

  public MessageType type() {
    return type;
  }

  /** Exact body length of {@code message}, which must be a {@code T}. */
  int length(Message message) {
    T m = cast(message);
    int n = 0;
    for (Field<T, ?> f : fields) {
      n = Math.addExact(n, length(f, m));
    }
    return n;
  }

  /** Writes the body of {@code message}, which must be a {@code T}; does not take ownership of {@code buf}. */
  void write(ByteBuf buf, Message message) {
    T m = cast(message);
    for (Field<T, ?> f : fields) {
      write(buf, f, m);
    }
  }

  /** Reads a body at the reader index; does not take ownership of {@code body}. */
  public T read(ByteBuf body) {
    return reader.apply(body);
  }

  private static <T, V> int length(Field<T, V> f, T m) {
    return f.encoding.length(f.getter.apply(m));
  }

  private static <T, V> void write(ByteBuf buf, Field<T, V> f, T m) {
    f.encoding.write(buf, f.getter.apply(m));
  }

  private static <V> V read(ByteBuf body, MessageType type, Field<?, V> f) {
    return f.encoding.read(body, type.name() + " " + f.name);
  }

  @SuppressWarnings("unchecked")
  private T cast(Message message) {
    if (message.type() != type) {
      throw new IllegalArgumentException("a " + type + " layout cannot encode type=" + message.type());
    }
    return (T) message;
  }

  private static <V> Encoding<V> fixed(int bytes, BiConsumer<ByteBuf, V> write,
      BiFunction<ByteBuf, String, V> read) {
    return of(v -> bytes, write, read);
  }

  private static <V> Encoding<V> of(ToIntFunction<V> length,
      BiConsumer<ByteBuf, V> write, BiFunction<ByteBuf, String, V> read) {
    return new Encoding<>() {
      @Override
      public int length(V v) {
        return length.applyAsInt(v);
      }

      @Override
      public void write(ByteBuf buf, V v) {
        write.accept(buf, v);
      }

      @Override
      public V read(ByteBuf buf, String what) {
        return read.apply(buf, what);
      }
    };
  }
}
