package io.sparkps.ml.classification;

import static io.sparkps.core.check.Checks.requireArgument;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Training curves as a PNG: held-out logloss (when the fit had validation rows) and training
 * logloss against the seconds since the fit started, one pair of lines per model, to compare
 * fits at a glance. Drawn with XChart ({@code org.knowm.xchart:xchart:3.8.8}), which
 * scripts/ps-shell has on its classpath; elsewhere add it to the driver, e.g. {@code --packages
 * org.knowm.xchart:xchart:3.8.8}: without it {@link #write} says so. Stateless.
 *
 * <pre>{@code
 * TrainingCurves.write("/tmp/lr.png", model.summary())
 * TrainingCurves.write("/tmp/compare.png", TrainingCurves.curve("adagrad", m1.summary()),
 *     TrainingCurves.curve("ftrl", m2.summary()))
 * }</pre>
 */
public final class TrainingCurves {

  /** The image size, in pixels. */
  public static final int WIDTH = 900;
  public static final int HEIGHT = 540;

  private static final String XCHART = "org.knowm.xchart.XYChart";

  /**
   * One model's points, one per epoch: {@code seconds} since its fit started (at the end of the
   * epoch, held-out scoring not counted), {@code trainingLoss}, and {@code heldOutLoss} (all NaN
   * without validation rows).
   */
  public record Curve(String name, double[] seconds, double[] trainingLoss, double[] heldOutLoss) {

    public Curve {
      Objects.requireNonNull(name, "name");
      requireArgument(seconds.length == trainingLoss.length && seconds.length == heldOutLoss.length,
          "curve %s: arrays differ in length: seconds=%s, trainingLoss=%s, heldOutLoss=%s", name, seconds.length,
          trainingLoss.length, heldOutLoss.length);
      seconds = seconds.clone();
      trainingLoss = trainingLoss.clone();
      heldOutLoss = heldOutLoss.clone();
    }

    /** Whether any epoch has a held-out logloss. */
    public boolean hasHeldOut() {
      return SummaryFormat.anyMeasured(heldOutLoss);
    }

    @Override
    public double[] seconds() {
      return seconds.clone();
    }

    @Override
    public double[] trainingLoss() {
      return trainingLoss.clone();
    }

    @Override
    public double[] heldOutLoss() {
      return heldOutLoss.clone();
    }
  }

  private TrainingCurves() {}

  /** A logistic-regression fit's curve: {@link PsLogisticRegressionSummary#elapsedSeconds} against its losses. */
  public static Curve curve(String name, PsLogisticRegressionSummary summary) {
    return new Curve(name, summary.elapsedSeconds(), summary.objectiveHistory(), summary.validationLogLoss());
  }

  /** A factorization-machine fit's curve (training logloss only: it has no validation rows). */
  public static Curve curve(String name, PsFactorizationMachinesSummary summary) {
    double[] nan = new double[summary.totalIterations()];
    java.util.Arrays.fill(nan, Double.NaN);
    return new Curve(name, summary.elapsedSeconds(), summary.objectiveHistory(), nan);
  }

  /** Writes one logistic-regression fit's curves to {@code png} (a path); returns it. */
  public static Path write(String png, PsLogisticRegressionSummary summary) throws IOException {
    return write(png, curve("model", summary));
  }

  /** Writes one factorization-machine fit's curve to {@code png}; returns it. */
  public static Path write(String png, PsFactorizationMachinesSummary summary) throws IOException {
    return write(png, curve("model", summary));
  }

  /**
   * Writes the curves to {@code png} ({@link #WIDTH} x {@link #HEIGHT}), replacing the file; returns
   * its path. Epochs without a time (summaries loaded from disk) are plotted against the epoch number.
   *
   * @throws IllegalStateException without XChart on the classpath (the message says how to add it)
   */
  public static Path write(String png, Curve... curves) throws IOException {
    Objects.requireNonNull(png, "png");
    requireArgument(curves.length > 0, "write needs at least one curve: curves=%s", curves.length);
    if (!xchartPresent()) {
      throw new IllegalStateException("TrainingCurves needs XChart on the driver's classpath, which it is not: add "
          + "--packages org.knowm.xchart:xchart:3.8.8 (or --jars with xchart-3.8.8.jar and its dependencies) to "
          + "spark-submit / spark-shell; scripts/ps-shell has it");
    }
    Path out = Path.of(png).toAbsolutePath();
    CurveChart.write(out, List.of(curves), WIDTH, HEIGHT);
    return out;
  }

  static boolean xchartPresent() {
    try {
      Class.forName(XCHART, false, TrainingCurves.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
