package org.knng.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.knng.vectors.Vectors;

/**
 * Delimited text input, {@code .csv} (comma) and {@code .tsv} (tab): one vector per line, one
 * number per cell, in UTF-8.
 *
 * <ul>
 *   <li>Blank lines are ignored, and so is whitespace around a cell.
 *   <li>The first non-blank line is a header, and skipped, if any of its cells is a word: not
 *       empty, not a number, and not a spelling of NaN or infinity. (So a first row such as {@code
 *       1,,3} or {@code 1,nan,3} is data, reported as an error, never silently dropped.)
 *   <li>Any other cell that is not a number is an error naming its line and column (both 1-based,
 *       lines counted in the file); so is a row with another number of cells than the first.
 *   <li>Numbers are read as by {@link Float#parseFloat}, without Java's extras (hex, {@code f} or
 *       {@code d} suffixes). NaN and infinite values, including Python's {@code nan} and {@code
 *       inf}, are parsed only to be rejected as not finite, naming the line and column.
 * </ul>
 */
final class DelimitedFormat implements VectorFormat {
  private static final int MAX_QUOTED = 40;

  private final char delimiter;

  /**
   * @param delimiter the cell separator: {@code ','} or {@code '\t'}
   */
  DelimitedFormat(char delimiter) {
    this.delimiter = delimiter;
  }

  @Override
  public Vectors read(Path file, FileChannel channel, long size) throws IOException {
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), decoder), 1 << 16);
    float[] values = new float[1024];
    int count = 0;
    int dimension = -1;
    long rows = 0;
    long firstDataLine = 0;
    long headerLine = 0;
    long lineNumber = 0;
    String[] cells = new String[16];
    try {
      String line;
      while ((line = in.readLine()) != null) {
        lineNumber++;
        if (lineNumber == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1); // a byte-order mark is not part of the first cell
        }
        if (line.isBlank()) {
          continue;
        }
        int n = split(line, cells);
        if (n > cells.length) {
          cells = new String[n];
          split(line, cells);
        }
        if (dimension < 0) {
          if (headerLine == 0 && isHeader(cells, n)) { // the first non-blank line only
            headerLine = lineNumber;
            continue;
          }
          dimension = n;
          firstDataLine = lineNumber;
        } else if (n != dimension) {
          throw new InputFormatException(file + ": line " + lineNumber + " has " + n + " columns, expected "
              + dimension + " as on line " + firstDataLine);
        }
        rows++;
        if (count + n > values.length) {
          VectorFormat.checkCapacity(file, rows, dimension);
          values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(2L * values.length, count + n)));
        }
        for (int c = 0; c < n; c++) {
          values[count++] = parse(file, lineNumber, c + 1, cells[c]);
        }
      }
    } catch (CharacterCodingException e) {
      throw new InputFormatException(file + ": not valid UTF-8 text (at or after line " + (lineNumber + 1) + ")", e);
    }
    if (rows == 0) {
      throw new InputFormatException(file + (headerLine > 0 ? ": no vectors after the header on line "
          + headerLine : ": empty file, no vectors"));
    }
    return VectorFormat.wrap(file, count == values.length ? values : Arrays.copyOf(values, count), dimension);
  }

  /** Splits a line into trimmed cells; returns the cell count, filling {@code cells} if it fits. */
  private int split(String line, String[] cells) {
    int n = 0;
    int start = 0;
    while (true) {
      int end = line.indexOf(delimiter, start);
      if (end < 0) {
        end = line.length();
      }
      if (n < cells.length) {
        cells[n] = line.substring(start, end).strip();
      }
      n++;
      if (end == line.length()) {
        return n;
      }
      start = end + 1;
    }
  }

  private static boolean isHeader(String[] cells, int n) {
    for (int c = 0; c < n; c++) {
      String cell = cells[c];
      if (!cell.isEmpty() && !Decimal.is(cell) && !isNonFiniteSpelling(cell)) {
        return true;
      }
    }
    return false;
  }

  private static float parse(Path file, long line, int column, String cell) throws InputFormatException {
    float v;
    try {
      v = Decimal.parseFloat(cell);
      if (Float.isInfinite(v) && !cell.endsWith("Infinity")) {
        throw new InputFormatException(file + ": line " + line + ", column " + column + ": value " + cell
            + " is beyond the float32 range (+-3.4e38) knng computes in");
      }
    } catch (NumberFormatException e) {
      if (!isNonFiniteSpelling(cell)) {
        throw new InputFormatException(file + ": line " + line + ", column " + column + ": '" + quoted(cell)
            + "' is not a number");
      }
      v = cell.toLowerCase(Locale.ROOT).contains("nan") ? Float.NaN
          : cell.startsWith("-") ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
    }
    if (!Float.isFinite(v)) {
      throw new InputFormatException(file + ": line " + line + ", column " + column + ": value is " + v
          + " (only finite values are allowed)");
    }
    return v;
  }

  /** Spellings of NaN and infinity from NumPy, pandas and spreadsheets that Java does not parse. */
  private static boolean isNonFiniteSpelling(String cell) {
    switch (cell.toLowerCase(Locale.ROOT)) {
      case "nan":
      case "-nan":
      case "+nan":
      case "inf":
      case "-inf":
      case "+inf":
      case "infinity":
      case "-infinity":
      case "+infinity":
        return true;
      default:
        return false;
    }
  }

  private static String quoted(String cell) {
    return cell.length() > MAX_QUOTED ? cell.substring(0, MAX_QUOTED) + "..." : cell;
  }
}
