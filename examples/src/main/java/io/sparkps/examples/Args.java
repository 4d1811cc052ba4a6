package io.sparkps.examples;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options with typed defaults. Not thread-safe. */
final class Args {

  private final Map<String, String> values = new HashMap<>();

  Args(String[] args, String usage) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.println(usage);
        throw new IllegalArgumentException("help requested");
      }
      if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got: " + a + "\n" + usage);
      }
      values.put(a.substring(2), args[++i]);
    }
  }

  String string(String name, String dflt) {
    return values.getOrDefault(name, dflt);
  }

  long longValue(String name, long dflt) {
    String v = values.get(name);
    if (v == null) {
      return dflt;
    }
    // 2^24 style powers are easier to type than 16777216.
    if (v.startsWith("2^")) {
      return 1L << Integer.parseInt(v.substring(2));
    }
    return Long.parseLong(v.replace("_", ""));
  }

  int intValue(String name, int dflt) {
    return Math.toIntExact(longValue(name, dflt));
  }

  double doubleValue(String name, double dflt) {
    String v = values.get(name);
    return v == null ? dflt : Double.parseDouble(v);
  }
}
