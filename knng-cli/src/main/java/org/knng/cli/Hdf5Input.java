package org.knng.cli;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfInvalidPathException;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.knng.InvalidInputException;
import org.knng.io.InputFormatException;
import org.knng.io.VectorReader;
import org.knng.vectors.Vectors;

/**
 * HDF5 input ({@code .hdf5}, {@code .h5}), as ann-benchmarks ships its datasets: 2-D datasets
 * {@code train} (the points), {@code test} (queries), {@code neighbors} (ground-truth ids) and
 * {@code distances}, float32 or float64 (or integers), contiguous or chunked and gzip-compressed,
 * read with jHDF (pure Java). A dataset is chosen by its path in the file ({@code --dataset};
 * {@code train} by default for points). A NumPy {@code .npz} archive ({@code numpy.savez}) is
 * chosen from the same way: the named array, else its only array, else the default name. Every
 * other input format goes to the core's {@link VectorReader}.
 *
 * <p>Errors are one line naming the file and the dataset: not an HDF5 file, no such dataset (with
 * the datasets there are), a shape other than rows x columns, a type that is not numeric, a value
 * that is not finite (with its row and column).
 */
final class Hdf5Input {
  /** Rows converted at a time from a dataset that is not float32. */
  private static final int SLAB_ROWS = 16_384;

  static {
    // jHDF logs through SLF4J, and the command line ships no SLF4J provider (nor wants jHDF's
    // debug lines), so SLF4J would print a three-line warning on the first HDF5 file: name its
    // no-op provider instead, unless the class path has a provider (as 'knng spark' has Spark's).
    if (System.getProperty("slf4j.provider") == null && !hasSlf4jProvider()) {
      System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
      if (System.getProperty("slf4j.internal.verbosity") == null) {
        System.setProperty("slf4j.internal.verbosity", "WARN"); // not even the line naming it
      }
    }
  }

  /** Whether an SLF4J provider is on the class path (SLF4J is jHDF's runtime dependency, not ours). */
  private static boolean hasSlf4jProvider() {
    try {
      Class<?> spi = Class.forName("org.slf4j.spi.SLF4JServiceProvider");
      return java.util.ServiceLoader.load(spi).findFirst().isPresent();
    } catch (ClassNotFoundException | java.util.ServiceConfigurationError e) {
      return false;
    }
  }

  private Hdf5Input() {}

  /**
   * @param file a path
   * @return whether it names an HDF5 file ({@code .hdf5} or {@code .h5}, any case)
   */
  static boolean handles(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".hdf5") || name.endsWith(".h5");
  }

  /**
   * The vectors of a file: a dataset of an HDF5 file, or any format {@link VectorReader} reads.
   *
   * @param file the file
   * @param dataset the dataset of an HDF5 file; null for the default {@code fallback}
   * @param fallback the dataset read when none is named ({@code train} for points)
   * @param option the option that named the dataset, for the message when the file is not HDF5
   * @return its rows as float32 vectors
   * @throws IOException naming the file (and dataset) if it cannot be read as vectors
   * @throws InvalidInputException if a dataset is named for a file that is not HDF5
   */
  static Vectors vectors(Path file, String dataset, String fallback, String option) throws IOException {
    if (isNpz(file)) {
      // numpy.savez: the named array, else the only one, else the fallback's name if present.
      List<String> arrays = VectorReader.arrays(file);
      String name = dataset != null ? dataset : arrays.size() == 1 ? arrays.get(0)
          : arrays.contains(fallback) ? fallback : null;
      if (name == null) {
        throw new InputFormatException(file + ": the archive holds " + arrays.size() + " arrays ("
            + (arrays.isEmpty() ? "none" : String.join(", ", arrays)) + "); choose one with " + option);
      }
      return VectorReader.read(file, name);
    }
    if (!handles(file)) {
      if (dataset != null) {
        throw new InvalidInputException(option + " " + dataset + ": " + file
            + " is not an HDF5 (.hdf5, .h5) or .npz file; only those hold named datasets");
      }
      return VectorReader.read(file);
    }
    return read(file, dataset == null ? fallback : dataset);
  }

  private static boolean isNpz(Path file) {
    return file.getFileName() != null
        && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz");
  }

  private static Vectors read(Path file, String dataset) throws IOException {
    checkFile(file);
    float[] values = null;
    int dimension;
    boolean structure = true; // reading the file's structures, not yet the dataset's values
    try (HdfFile hdf = new HdfFile(file)) {
      Dataset d = dataset(hdf, file, dataset);
      long[] shape = shape(d, file, dataset);
      dimension = (int) shape[1];
      structure = false;
      values = floats(d, (int) shape[0], dimension, file, dataset);
    } catch (OutOfMemoryError e) {
      if (!structure || !insideJhdf(e)) {
        throw e;
      }
      // A header field of a corrupt file claimed a buffer larger than the heap: the allocation
      // failed before anything was held, so this is the file's fault, reported as such.
      throw new InputFormatException(file + ": not a readable HDF5 file (a header claims a structure"
          + " larger than memory: corrupt or truncated)");
    } catch (RuntimeException e) {
      if (!insideJhdf(e)) {
        throw e; // a bug in knng, not in the file
      }
      // jHDF parses the file's structures: a failure inside it is a malformed (or truncated) file.
      // jHDF wraps causes into its messages as "java.lang.SomeException: text": keep the text.
      String reason = e.getMessage() == null ? "" : Main.oneLine(e.getMessage())
          .replaceAll("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z]\\w*(?:Exception|Error):\\s*", "").trim();
      if (reason.isEmpty()) {
        reason = "a structure that cannot be decoded";
      }
      throw new InputFormatException(file + ": not a readable HDF5 file (" + reason + ")", e);
    }
    try {
      return Vectors.wrap(values, dimension);
    } catch (IllegalArgumentException e) {
      throw new InputFormatException(file + ": dataset '" + dataset + "', " + e.getMessage(), e);
    }
  }

  /**
   * Whether an exception arose in jHDF's code (directly, or in the JDK code it called): the first
   * frame outside the JDK is jHDF's.
   */
  static boolean insideJhdf(Throwable e) {
    for (StackTraceElement frame : e.getStackTrace()) {
      String c = frame.getClassName();
      if (c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.")) {
        continue;
      }
      return c.startsWith("io.jhdf.");
    }
    return false;
  }

  /** The checks every reader makes before reading: the file exists, is a file, is readable, is not empty. */
  private static void checkFile(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such file");
    }
    if (Files.isDirectory(file)) {
      throw new java.nio.file.FileSystemException(file.toString(), null, "is a directory");
    }
    if (!Files.isReadable(file)) {
      throw new java.nio.file.AccessDeniedException(file.toString(), null, "cannot read (permission denied)");
    }
    if (Files.size(file) == 0) {
      throw new InputFormatException(file + ": empty file, no vectors");
    }
  }

  private static Dataset dataset(HdfFile hdf, Path file, String name) throws InputFormatException {
    Node node;
    try {
      node = hdf.getByPath(name);
    } catch (HdfInvalidPathException e) {
      node = null; // no such path: listed below
    }
    if (!(node instanceof Dataset)) {
      TreeSet<String> names = new TreeSet<>();
      for (Node child : hdf) {
        if (child instanceof Dataset) {
          names.add(child.getName());
        }
      }
      throw new InputFormatException(file + ": no dataset '" + name + "' (datasets: "
          + (names.isEmpty() ? "none" : String.join(", ", names)) + "; choose one with --dataset)");
    }
    return (Dataset) node;
  }

  /** The dataset's rows x columns, checked: 2-D, not empty, within one array. */
  private static long[] shape(Dataset d, Path file, String name) throws InputFormatException {
    if (d.isCompound() || d.isVariableLength() || d.isScalar()) {
      throw new InputFormatException(file + ": dataset '" + name + "' is not an array of numbers");
    }
    long[] shape = d.getDimensionsAsLong();
    if (shape.length != 2) {
      throw new InputFormatException(file + ": dataset '" + name + "' has shape "
          + java.util.Arrays.toString(shape) + "; expected 2 dimensions (rows x values)");
    }
    if (shape[0] == 0 || shape[1] == 0) {
      throw new InputFormatException(file + ": dataset '" + name + "' is empty (shape "
          + shape[0] + " x " + shape[1] + "), no vectors");
    }
    if (shape[0] * shape[1] > Integer.MAX_VALUE - 8) {
      throw new InputFormatException(file + ": dataset '" + name + "' holds " + shape[0] + " x "
          + shape[1] + " values, more than one array can hold");
    }
    // Checked before jHDF reads (and allocates for) the data: what is stored cannot be larger than
    // the file (a corrupt chunk index can claim gigabytes).
    long stored = d.getStorageInBytes();
    long fileSize = fileSize(file);
    if (stored > fileSize) {
      throw new InputFormatException(file + ": dataset '" + name + "' claims " + stored
          + " bytes of storage but the file has " + fileSize + " (truncated or corrupt)");
    }
    Class<?> type = d.getJavaType();
    if (!type.isPrimitive() || type == boolean.class || type == char.class) {
      throw new InputFormatException(file + ": dataset '" + name + "' holds " + type.getSimpleName()
          + " values; expected numbers (float32, float64 or integers)");
    }
    return shape;
  }

  private static long fileSize(Path file) throws InputFormatException {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new InputFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /** The values as float32, row-major: float32 as stored, other types converted a slab at a time. */
  private static float[] floats(Dataset d, int rows, int dimension, Path file, String name)
      throws InputFormatException {
    if (d.getJavaType() == float.class) {
      return (float[]) d.getDataFlat();
    }
    float[] out = new float[rows * dimension];
    for (int r0 = 0; r0 < rows; r0 += SLAB_ROWS) {
      int count = Math.min(SLAB_ROWS, rows - r0);
      Object slab = d.getData(new long[] {r0, 0}, new int[] {count, dimension});
      for (int r = 0; r < count; r++) {
        Object row = Array.get(slab, r);
        int o = (r0 + r) * dimension;
        if (row instanceof double[]) {
          double[] v = (double[]) row;
          for (int c = 0; c < dimension; c++) {
            out[o + c] = (float) v[c];
            if (Double.isFinite(v[c]) && Float.isInfinite(out[o + c])) {
              throw new InputFormatException(file + ": dataset '" + name + "', row " + (r0 + r) + ", column "
                  + c + ": value " + v[c] + " is beyond the float32 range (+-3.4e38) knng computes in");
            }
          }
        } else {
          for (int c = 0; c < dimension; c++) {
            out[o + c] = ((Number) Array.get(row, c)).floatValue();
          }
        }
      }
    }
    return out;
  }
}
