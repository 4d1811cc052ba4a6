package io.sparkps.bench.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one run of the end-to-end benchmark measures: an ordered list of steps, each one JVM.
 * {@code quick} = small and medium quality-against-time curves (under 15 minutes with the transport
 * run); {@code full} adds the large size and the cost growth over D (under 60 minutes with the
 * transport and JMH runs); {@code tiny} is the smoke test's seconds-long version of full. Immutable.
 *
 * @param mode the name it was made from
 * @param steps in the order they run
 */
public record E2ePlan(String mode, List<Step> steps) {

  /** D of the cost-growth experiment, at fixed N = {@link #GROWTH_N}. */
  public static final int[] GROWTH_LOG2_D = {20, 22, 24, 26, 28};
  /** Rows of the cost-growth experiment: enough for a real epoch, few enough to run every D in minutes. */
  public static final long GROWTH_N = 200_000;

  /**
   * One JVM's work: train {@code system} on {@code size} with these E2eRun flags.
   *
   * @param name unique, used for its log file
   * @param experiment {@code curve} or {@code growth}
   * @param size data size
   * @param system {@code spark-ps} or {@code mllib}
   * @param flags further E2eRun flags ({@code --configs=..}, {@code --iters=..}, {@code --epochs=..})
   * @param timeout the step is killed (and recorded as {@code timeout}) after this long
   */
  public record Step(String name, String experiment, Size size, String system, List<String> flags,
      Duration timeout) {}

  public static E2ePlan of(String mode) {
    List<Step> steps = new ArrayList<>();
    switch (mode) {
      case "tiny" -> {
        curve(steps, Size.TINY, List.of("--configs=agd+ftrl,ipm+adagrad", "--epochs=2"), "2,5", 5);
        growth(steps, new int[] {10, 12}, Size.TINY.n(), "2,4", 5);
      }
      case "quick" -> {
        curve(steps, Size.SMALL, List.of(), "5,10,20,30", 10);
        curve(steps, Size.MEDIUM, List.of(), "30", 15);
      }
      case "full" -> {
        curve(steps, Size.SMALL, List.of(), "5,10,20,30", 10);
        curve(steps, Size.MEDIUM, List.of(), "5,15,30", 20);
        curve(steps, Size.LARGE, List.of(), "30", 10);
        growth(steps, GROWTH_LOG2_D, GROWTH_N, "2,6", 6);
      }
      default -> throw new IllegalArgumentException("mode: mode=" + mode + " (tiny, quick, full)");
    }
    return new E2ePlan(mode, List.copyOf(steps));
  }

  private static void curve(List<Step> steps, Size size, List<String> psFlags, String mllibIters, int minutes) {
    steps.add(new Step(size.name() + "-spark-ps", "curve", size, "spark-ps", psFlags, Duration.ofMinutes(minutes)));
    steps.add(new Step(size.name() + "-mllib", "curve", size, "mllib", List.of("--iters=" + mllibIters),
        Duration.ofMinutes(minutes)));
  }

  private static void growth(List<Step> steps, int[] log2d, long n, String mllibIters, int minutes) {
    for (int k : log2d) {
      Size size = new Size("growth-2^" + k, n, 1L << k);
      steps.add(new Step(size.name() + "-spark-ps", "growth", size, "spark-ps",
          List.of("--configs=agd+ftrl", "--epochs=2"), Duration.ofMinutes(minutes)));
      steps.add(new Step(size.name() + "-mllib", "growth", size, "mllib", List.of("--iters=" + mllibIters),
          Duration.ofMinutes(minutes)));
    }
  }
}
