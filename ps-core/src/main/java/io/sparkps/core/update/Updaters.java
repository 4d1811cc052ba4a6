package io.sparkps.core.update;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

/**
 * Turns an {@link UpdaterSpec} into a working {@link Updater}: a built-in by name, or a user
 * class for names starting with {@link UpdaterSpec#CLASS_PREFIX}. Every failure is an
 * {@link IllegalArgumentException} whose message says what to fix; failures to find an updater
 * at all start with {@code "unknown updater:"}. Stateless and thread-safe.
 */
public final class Updaters {

  /** The built-in names, in the order error messages list them. */
  public static final String BUILT_INS = "sum, assign, sgd, adagrad, adam, ftrl";

  private Updaters() {}

  /** A new updater for {@code spec}; user classes get a fresh instance on every call. */
  public static Updater create(UpdaterSpec spec) {
    String name = spec.name();
    if (name.startsWith(UpdaterSpec.CLASS_PREFIX)) {
      return loadCustom(name.substring(UpdaterSpec.CLASS_PREFIX.length()), spec.params());
    }
    switch (name) {
      case "sum":
        requireParams(spec, 0, 0, "none");
        return SumUpdater.INSTANCE;
      case "assign":
        requireParams(spec, 0, 0, "none");
        return AssignUpdater.INSTANCE;
      case "sgd":
        requireParams(spec, 1, 1, "lr");
        return new SgdUpdater(spec.param(0));
      case "adagrad":
        // One parameter is adagrad(lr): the factory's default epsilon applies.
        requireParams(spec, 1, 3, "lr[, eps[, initialAccumulator]]");
        if (spec.paramCount() == 1) {
          return create(UpdaterSpec.adagrad(spec.param(0)));
        }
        return new AdagradUpdater(spec.param(0), spec.param(1), spec.paramCount() == 3 ? spec.param(2) : 0);
      case "adam":
        requireParams(spec, 1, 4, "lr[, beta1, beta2, eps]");
        if (spec.paramCount() == 1) {
          return create(UpdaterSpec.adam(spec.param(0)));
        }
        requireParams(spec, 4, 4, "lr, beta1, beta2, eps");
        return new AdamUpdater(spec.param(0), spec.param(1), spec.param(2), spec.param(3));
      case "ftrl":
        requireParams(spec, 4, 4, "alpha, beta, l1, l2");
        return new FtrlUpdater(spec.param(0), spec.param(1), spec.param(2), spec.param(3));
      default:
        throw new IllegalArgumentException("unknown updater: name=" + name + " (built-ins: "
            + BUILT_INS + "; or " + UpdaterSpec.CLASS_PREFIX + "<fully.qualified.ClassName>)");
    }
  }

  private static void requireParams(UpdaterSpec spec, int min, int max, String expected) {
    int n = spec.paramCount();
    if (n < min || n > max) {
      throw new IllegalArgumentException("wrong number of updater parameters: name=" + spec.name()
          + ", params=" + n + " (expected " + expected + ")");
    }
  }

  private static Updater loadCustom(String className, double[] params) {
    Class<?> cls = findClass(className);
    if (!Updater.class.isAssignableFrom(cls)) {
      throw bad(className, "does not implement " + Updater.class.getName());
    }
    if (!Modifier.isPublic(cls.getModifiers()) || Modifier.isAbstract(cls.getModifiers())) {
      throw bad(className, "must be a public, non-abstract class");
    }
    Constructor<?> ctor = constructor(cls, double[].class);
    Object[] args = {params};
    if (ctor == null) {
      ctor = constructor(cls);
      args = new Object[0];
      if (ctor == null) {
        throw bad(className, "has no public (double[]) or no-argument constructor; add one");
      }
      if (params.length > 0) {
        // Silently dropping hyper-parameters would train with the wrong settings.
        throw bad(className, "takes no parameters but the spec has " + params.length
            + "; add a public (double[]) constructor or pass no parameters");
      }
    }
    try {
      return (Updater) ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalArgumentException("bad updater class: class=" + className
          + " constructor threw " + cause, cause);
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalArgumentException("bad updater class: class=" + className
          + " could not be instantiated: " + e, e);
    }
  }

  private static Class<?> findClass(String className) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    ClassLoader own = Updaters.class.getClassLoader();
    try {
      return Class.forName(className, true, context != null ? context : own);
    } catch (ClassNotFoundException e) {
      if (context != null && context != own) {
        try {
          return Class.forName(className, true, own);
        } catch (ClassNotFoundException ignored) {
          // fall through to the message below
        } catch (LinkageError le) {
          throw linkage(className, le);
        }
      }
      throw new IllegalArgumentException("unknown updater: class " + className
          + " not found; add the jar containing it to the server's classpath", e);
    } catch (LinkageError e) {
      throw linkage(className, e);
    }
  }

  private static IllegalArgumentException linkage(String className, LinkageError e) {
    return new IllegalArgumentException("bad updater class: class=" + className
        + " failed to load (" + e + "); check that its dependencies are on the server's classpath", e);
  }

  private static Constructor<?> constructor(Class<?> cls, Class<?>... types) {
    try {
      return cls.getConstructor(types);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private static IllegalArgumentException bad(String className, String what) {
    return new IllegalArgumentException("bad updater class: class=" + className + " " + what);
  }
}
