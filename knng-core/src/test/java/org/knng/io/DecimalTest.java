package org.knng.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DecimalTest {
  @Test
  void decimalsAsPythonWritesThemPass() {
    for (String text : new String[] {"1", "-2.5e-3", "+7", ".5", "5.", "1E10", "1e39", "NaN", "Infinity",
        "-Infinity", "0"}) {
      assertTrue(Decimal.is(text), text);
      assertEquals(Float.floatToIntBits(Float.parseFloat(text)), Float.floatToIntBits(Decimal.parseFloat(text)), text);
    }
  }

  @Test
  void javaOnlySyntaxAndOtherTextIsRefused() {
    for (String text : new String[] {"", "1f", "2d", "1.5F", "3D", "0x1p3", "0X10", "1,5", "1_000", "x", "nan",
        "inf", "1e", "--1"}) {
      assertFalse(Decimal.is(text), text);
      assertThrows(NumberFormatException.class, () -> Decimal.parseFloat(text), text);
    }
  }
}
