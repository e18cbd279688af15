package org.knng.io;

/**
 * Numbers written as text, as every reader of knng and its options take them: decimal numbers as
 * {@link Float#parseFloat} reads them, without the extras of Java's syntax that Python and numpy
 * refuse (hex as {@code 0x1p3}, the type suffixes of {@code 1f} and {@code 2d}). Vector cells
 * ({@link DelimitedFormat}), edge-list and Matrix Market weights ({@link EdgeListReader}) and
 * option values all use it.
 */
public final class Decimal {
  private Decimal() {}

  /**
   * Whether the text is such a number; Java's {@code NaN} and {@code Infinity} pass too (callers
   * decide about values that are not finite).
   *
   * @param text the text, without surrounding blanks
   * @return whether it is a decimal number
   */
  public static boolean is(String text) {
    try {
      parseFloat(text);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * The float32 value of such a number, read once (a reader of millions of cells does not parse
   * each twice).
   *
   * @param text the text, without surrounding blanks
   * @return its value, as {@link Float#parseFloat} gives it
   * @throws NumberFormatException if it is not such a number
   */
  public static float parseFloat(String text) {
    if (text.isEmpty()) {
      throw new NumberFormatException("empty");
    }
    char last = text.charAt(text.length() - 1);
    if (!(Character.isDigit(last) || last == '.' || last == 'N' || last == 'y')
        || text.indexOf('x') >= 0 || text.indexOf('X') >= 0) {
      throw new NumberFormatException(text); // the suffixes of "1f" and "2d", hex
    }
    return Float.parseFloat(text);
  }
}
