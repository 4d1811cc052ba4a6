package io.sparkps.core.protocol;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@code equals}, {@code hashCode} and {@code toString} for message records with array
 * components, written once: a record's own methods compare arrays by reference and print their
 * identity, these compare them by content and print them through {@link Codec#describe}. The
 * format is the record's own, {@code Name[a=1, b=[2, 3]]}. A message record with an array
 * overrides the three methods with one-line calls to these. Reflective (only tests and logs call
 * them, never the data path); thread-safe.
 */
final class ArrayRecords {

  private static final ClassValue<Method[]> ACCESSORS = new ClassValue<>() {
    @Override
    protected Method[] computeValue(Class<?> type) {
      RecordComponent[] components = type.getRecordComponents();
      Method[] accessors = new Method[components.length];
      for (int i = 0; i < components.length; i++) {
        accessors[i] = components[i].getAccessor();
      }
      return accessors;
    }
  };

  private ArrayRecords() {}

  static boolean equals(Record a, Object b) {
    if (a == b) {
      return true;
    }
    if (b == null || b.getClass() != a.getClass()) {
      return false;
    }
    for (Method accessor : ACCESSORS.get(a.getClass())) {
      if (!Objects.deepEquals(get(accessor, a), get(accessor, b))) {
        return false;
      }
    }
    return true;
  }

  static int hashCode(Record r) {
    int h = 0;
    for (Method accessor : ACCESSORS.get(r.getClass())) {
      h = 31 * h + Arrays.deepHashCode(new Object[] {get(accessor, r)});
    }
    return h;
  }

  static String toString(Record r) {
    StringBuilder s = new StringBuilder(r.getClass().getSimpleName()).append('[');
    Method[] accessors = ACCESSORS.get(r.getClass());
    for (int i = 0; i < accessors.length; i++) {
      s.append(i == 0 ? "" : ", ").append(accessors[i].getName()).append('=')
          .append(describe(get(accessors[i], r)));
    }
    return s.append(']').toString();
  }

  private static String describe(Object v) {
    if (v instanceof long[] a) {
      return Codec.describe(a);
    } else if (v instanceof float[] a) {
      return Codec.describe(a);
    } else if (v instanceof boolean[] a) {
      return Codec.describe(a);
    } else if (v instanceof byte[] a) {
      return Codec.describe(a);
    } else if (v instanceof int[] a) {
      return Codec.describe(a);
    }
    return String.valueOf(v);
  }

  private static Object get(Method accessor, Object record) {
    try {
      return accessor.invoke(record);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("record accessor not public: " + accessor, e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("record accessor failed: " + accessor, e.getCause());
    }
  }
}
