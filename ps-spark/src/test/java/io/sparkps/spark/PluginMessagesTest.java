package io.sparkps.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import org.junit.jupiter.api.Test;

/**
 * Plugin messages decode with a class loader that knows only the JDK, as Spark's RPC layer
 * decodes replies in an executor that got spark-ps through {@code --jars}.
 */
class PluginMessagesTest {

  @Test
  void everyMessageDeserialisesWithoutSparkPsClasses() throws Exception {
    for (Object m : new Object[] {PluginMessages.slotRequest("7"), PluginMessages.slotGranted(),
        PluginMessages.slotRefused("full"), PluginMessages.serverStarted(new ServerStarted("7", 3))}) {
      Object back = jdkOnlyRoundTrip(m);
      assertEquals(PluginMessages.kindOf(m), PluginMessages.kindOf(back));
    }
    assertEquals(new ServerStarted("7", 3),
        PluginMessages.decodeServerStarted(jdkOnlyRoundTrip(PluginMessages.serverStarted(new ServerStarted("7", 3)))));
  }

  @Test
  void aForeignMessageIsRefusedWithWhatItWas() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PluginMessages.expect(new String[] {"other"}, PluginMessages.SLOT_GRANTED, 1));
    assertTrue(e.getMessage().contains("[other]") && e.getMessage().contains("same spark-ps jar"), e.getMessage());
  }

  private static Object jdkOnlyRoundTrip(Object message) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(message);
    }
    ClassLoader jdkOnly = ClassLoader.getPlatformClassLoader();
    try (ObjectInputStream in = new JdkOnlyInput(new ByteArrayInputStream(bytes.toByteArray()), jdkOnly)) {
      return in.readObject();
    }
  }

  private static final class JdkOnlyInput extends ObjectInputStream {
    private final ClassLoader loader;

    JdkOnlyInput(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws ClassNotFoundException {
      return Class.forName(desc.getName(), false, loader);
    }
  }
}
