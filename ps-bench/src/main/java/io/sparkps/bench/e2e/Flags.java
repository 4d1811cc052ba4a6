package io.sparkps.bench.e2e;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name=value} command-line flags, checked against the names a main accepts. Not thread-safe. */
public final class Flags {

  private final Map<String, String> values = new HashMap<>();

  public Flags(String[] args, Set<String> allowed) {
    for (String a : args) {
      int eq = a.indexOf('=');
      if (!a.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("bad argument: " + a + " (--name=value; names: " + allowed + ")");
      }
      String name = a.substring(2, eq);
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException("unknown option: --" + name + " (names: " + allowed + ")");
      }
      values.put(name, a.substring(eq + 1));
    }
  }

  public String string(String name, String dflt) {
    return values.getOrDefault(name, dflt);
  }

  public String required(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing option: --" + name);
    }
    return v;
  }

  public int intValue(String name, int dflt) {
    String v = values.get(name);
    return v == null ? dflt : Integer.parseInt(v);
  }

  public double doubleValue(String name, double dflt) {
    String v = values.get(name);
    return v == null ? dflt : Double.parseDouble(v);
  }

  public List<String> list(String name, String dflt) {
    String v = values.getOrDefault(name, dflt);
    return v.isEmpty() ? List.of() : Arrays.asList(v.split(","));
  }
}
