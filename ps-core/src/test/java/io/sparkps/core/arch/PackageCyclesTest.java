package io.sparkps.core.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ps-core's packages form no cycle: data and dependencies flow one way, so each package can be
 * read, tested and changed knowing only the ones below it. The graph comes from the sources: a
 * package depends on another when one of its files names a class of it (an import, a fully
 * qualified name, a javadoc link).
 */
class PackageCyclesTest {

  private static final Path ROOT = Path.of("src/main/java");
  private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.sparkps\\.core(?:\\.[a-z]\\w*)+)\\.[A-Z]");

  @Test
  void ps_coreHasNoPackageCycle() {
    Map<String, Map<String, Set<String>>> graph = graph(ROOT);
    assertTrue(graph.size() >= 10, "packages found: " + graph.keySet());
    List<List<String>> cycles = stronglyConnected(graph).stream().filter(c -> c.size() > 1).toList();
    StringBuilder why = new StringBuilder();
    for (List<String> cycle : cycles) {
      for (String from : cycle) {
        graph.get(from).forEach((to, files) -> {
          if (cycle.contains(to)) {
            why.append('\n').append(from).append(" -> ").append(to).append(" in ").append(files);
          }
        });
      }
    }
    assertEquals(List.of(), cycles, "package cycles; the edges inside them:" + why);
  }

  @Test
  void theCheckFindsACycle() {
    Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
    graph.put("a", Map.of("b", Set.of("A.java")));
    graph.put("b", Map.of("c", Set.of("B.java")));
    graph.put("c", Map.of("a", Set.of("C.java")));
    graph.put("d", Map.of("a", Set.of("D.java")));
    assertEquals(List.of(List.of("a", "b", "c")),
        stronglyConnected(graph).stream().filter(c -> c.size() > 1).map(c -> new TreeSet<>(c).stream().toList())
            .toList());
  }

  /** Package -> the packages it references -> the files that do. */
  private static Map<String, Map<String, Set<String>>> graph(Path root) {
    Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String pkg = root.relativize(f.getParent()).toString().replace('/', '.');
        Map<String, Set<String>> edges = graph.computeIfAbsent(pkg, k -> new TreeMap<>());
        Matcher m = REFERENCE.matcher(Files.readString(f));
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            edges.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(f.getFileName().toString());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return graph;
  }

  /** Tarjan's strongly connected components. */
  private static List<List<String>> stronglyConnected(Map<String, Map<String, Set<String>>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    List<List<String>> components = new ArrayList<>();
    for (String v : graph.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, graph, index, low, stack, components);
      }
    }
    return components;
  }

  private static void connect(String v, Map<String, Map<String, Set<String>>> graph, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, List<List<String>> components) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    for (String w : graph.getOrDefault(v, Map.of()).keySet()) {
      if (!index.containsKey(w)) {
        connect(w, graph, index, low, stack, components);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (stack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      List<String> component = new ArrayList<>();
      String w;
      do {
        w = stack.pop();
        component.add(w);
      } while (!w.equals(v));
      components.add(component);
    }
  }
}
