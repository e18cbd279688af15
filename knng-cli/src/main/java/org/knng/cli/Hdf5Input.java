package org.knng.cli;

import io.jhdf.Constants;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Link;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.api.dataset.ContiguousDataset;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.knng.InvalidInputException;
import org.knng.io.InputFormatException;
import org.knng.io.VectorFile;
import org.knng.io.VectorReader;
import org.knng.vectors.VectorSource;
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
 * <p>A dataset is opened first ({@link #open}: its structure and shape checked, no value read), so
 * that {@code knng build} can plan the run against its memory budget before anything is
 * allocated for the values (a few bytes of a chunked file can declare a dataset of gigabytes);
 * {@link #read} then reads the values a slab of rows at a time into one float32 array.
 *
 * <p>Errors are one line naming the file and the dataset: not an HDF5 file, no such dataset (with
 * the datasets there are), a shape other than rows x columns, a type that is not numeric, no values
 * stored, a value that is not finite (with its row and column).
 */
final class Hdf5Input implements AutoCloseable, VectorSource {
  /**
   * Bytes of the stored type read (and converted) at a time, at least one row or one chunk's rows
   * ({@code knng.hdf5.slabBytes} lowers it, so that tests read small datasets in many slabs).
   */
  private static final long SLAB_BYTES = 8L << 20;

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

  private final Path file;
  private final String name;

  /** @return the dataset's path in the file */
  String name() {
    return name;
  }
  private final HdfFile hdf;
  private final Dataset dataset;
  private final int rows;
  private final int dimension;
  /** The dataset mapped for block reads ({@link #blocks}), once asked for. */
  private VectorFile mapped;
  private boolean unmappable;

  private Hdf5Input(Path file, String name, HdfFile hdf, Dataset dataset, int rows, int dimension) {
    this.file = file;
    this.name = name;
    this.hdf = hdf;
    this.dataset = dataset;
    this.rows = rows;
    this.dimension = dimension;
  }

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
    try {
      return readWhole(file, dataset, fallback, option);
    } catch (OutOfMemoryError e) {
      // Text and .npz archives are read whole before a run can be planned: their shape is not
      // known until then. What failed was the read's own buffers, unreachable now.
      throw new InvalidInputException(file + ": does not fit in the heap while it is read whole ("
          + (Files.size(file) >> 20) + " MB file, read before the run can be planned): give Java more"
          + " heap (JAVA_OPTS=-Xmx... ./knng ..., and --memory if given); as a .npy (knng convert,"
          + " with more heap) it is read in blocks");
    }
  }

  private static Vectors readWhole(Path file, String dataset, String fallback, String option)
      throws IOException {
    if (isNpz(file)) {
      // numpy.savez: the named array, else the only one, else the fallback's name if present.
      List<String> arrays = VectorReader.arrays(file);
      String name = dataset != null ? dataset : arrays.size() == 1 ? arrays.get(0)
          : arrays.contains(fallback) ? fallback : null;
      if (name == null) {
        throw new InputFormatException(file + ": the archive holds " + arrays.size() + " arrays ("
            + listed(arrays) + "); choose one with " + option);
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
    try (Hdf5Input hdf5 = open(file, dataset == null ? fallback : dataset, option)) {
      return hdf5.read();
    }
  }

  private static boolean isNpz(Path file) {
    return file.getFileName() != null
        && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz");
  }

  /**
   * Opens a dataset of an HDF5 file and checks its structure, shape and type, reading none of its
   * values.
   *
   * @param file an HDF5 file
   * @param name the dataset's path in the file
   * @return the open dataset, to be {@link #read} and closed
   * @throws IOException naming the file and dataset if it is not a readable 2-D numeric dataset
   */
  static Hdf5Input open(Path file, String name) throws IOException {
    return open(file, name, "--dataset");
  }

  /**
   * As {@link #open(Path, String)}, {@code option} being the option that names the dataset (for
   * the message when there is none of that name).
   */
  static Hdf5Input open(Path file, String name, String option) throws IOException {
    checkFile(file);
    HdfFile hdf = null;
    Hdf5Input opened = null;
    try {
      hdf = hdfFile(file);
      Dataset d = dataset(hdf, file, name, option);
      long[] shape = shape(d, file, name);
      opened = new Hdf5Input(file, name, hdf, d, (int) shape[0], (int) shape[1]);
      return opened;
    } catch (OutOfMemoryError e) {
      // Only the file's structures are parsed here, and knng allocates nothing large for them: a
      // header field of a corrupt file claimed a buffer larger than the heap, and the allocation
      // failed before anything was held. (Not told by the stack: after a few, the JVM throws its
      // out-of-memory errors without one.)
      throw new InputFormatException(file + ": not a readable HDF5 file (a header claims a structure"
          + " larger than memory: corrupt or truncated)");
    } catch (RuntimeException e) {
      throw malformed(file, e);
    } finally {
      if (opened == null) {
        closeQuietly(hdf); // failed: the first failure is the one reported
      }
    }
  }

  /**
   * The file for jHDF: a file that one buffer can hold (all but the largest) as a read-only
   * mapping, where a header pointing past the end of the file fails at once. Through a file channel
   * jHDF allocates what a header claims and re-reads the file's last bytes until it is filled: a
   * 116-byte corrupt file took three minutes to refuse.
   */
  private static HdfFile hdfFile(Path file) throws IOException {
    long size = Files.size(file);
    if (size > Integer.MAX_VALUE - 8) {
      return new HdfFile(file);
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return HdfFile.fromByteBuffer(channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
    }
  }

  /** @return the dataset's rows */
  int rows() {
    return rows;
  }

  @Override
  public int size() {
    return rows;
  }

  /** @return the dataset's columns: the dimension of its vectors */
  @Override
  public int dimension() {
    return dimension;
  }

  /**
   * The dataset as a memory-mapped {@link VectorFile}, read a block of rows at a time, where it can
   * be: stored contiguously (not chunked), unfiltered, of a type a {@code .npy} file may hold
   * (float32, float64, uint8, int32, int64, either byte order). ann-benchmarks' files and
   * {@code h5py}'s default datasets are such. Null for the rest, which are read a slab at a time.
   *
   * @return the mapped dataset, or null
   * @throws IOException if the file cannot be opened again, or the dataset lies past its end
   */
  VectorFile blocks() throws IOException {
    if (mapped == null && !unmappable) {
      String dtype = mappableType();
      unmappable = dtype == null;
      if (dtype != null) {
        // HDF5 addresses count from the superblock, which a user block (h5py's userblock_size)
        // puts that many bytes into the file.
        mapped = VectorFile.open(file, file + ": dataset '" + name + "', ",
            hdf.getUserBlockSize() + ((ContiguousDataset) dataset).getDataAddress(), rows, dimension, dtype);
      }
    }
    return mapped;
  }

  /** The numpy type of a contiguous, unfiltered dataset of a type {@link VectorFile} reads; else null. */
  private String mappableType() throws InputFormatException {
    try {
      if (!(dataset instanceof ContiguousDataset) || !dataset.getFilters().isEmpty()) {
        return null;
      }
      long address = ((ContiguousDataset) dataset).getDataAddress();
      if (address < 0 || address == Constants.UNDEFINED_ADDRESS) {
        return null;
      }
      DataType type = dataset.getDataType();
      int size = type.getSize();
      if (type instanceof FloatingPoint) {
        FloatingPoint f = (FloatingPoint) type;
        boolean standard = f.getBitOffset() == 0 && f.getBitPrecision() == 8 * size;
        return !standard || (size != 4 && size != 8) ? null : mark(f.getByteOrder()) + "f" + size;
      }
      if (type instanceof FixedPoint) {
        FixedPoint i = (FixedPoint) type;
        if (i.getBitOffset() != 0 || i.getBitPrecision() != 8 * size) {
          return null;
        }
        if (size == 1 && !i.isSigned()) {
          return "|u1";
        }
        return i.isSigned() && (size == 4 || size == 8) ? mark(i.getByteOrder()) + "i" + size : null;
      }
      return null;
    } catch (RuntimeException e) {
      throw malformed(file, e);
    }
  }

  private static String mark(ByteOrder order) {
    return order == ByteOrder.BIG_ENDIAN ? ">" : "<";
  }

  /**
   * Reads the values as float32, row-major: from the mapping of a contiguous dataset ({@link
   * #blocks}), else a slab of rows at a time (converted to float32), so that besides the result
   * only one slab is held.
   *
   * @return the dataset's rows as vectors
   * @throws IOException naming the file, dataset, row and column of a value that is not finite
   *     (or not a float32), or the file if a chunk cannot be decoded
   */
  Vectors read() throws IOException {
    if ((long) rows * dimension > Integer.MAX_VALUE - 8) {
      throw new InputFormatException(file + ": dataset '" + name + "' holds " + rows + " x "
          + dimension + " values, more than one array can hold");
    }
    float[] out = new float[rows * dimension];
    read(0, rows, out, 0);
    return Vectors.wrap(out, dimension);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Rows of a contiguous dataset are decoded from its mapping; others a slab at a time (whole
   * chunks where the dataset is chunked), slabs in parallel.
   */
  @Override
  public Vectors rows(int from, int count) throws IOException {
    java.util.Objects.checkFromIndexSize(from, count, rows);
    Vectors.checkCapacity(count, dimension);
    float[] out = new float[count * dimension];
    read(from, count, out, 0);
    return Vectors.wrap(out, dimension);
  }

  @Override
  public void read(int from, int count, float[] into, int offset) throws IOException {
    if (count < 1) {
      throw new IllegalArgumentException("a block needs at least one row, got " + count);
    }
    java.util.Objects.checkFromIndexSize(from, count, rows);
    java.util.Objects.checkFromIndexSize(offset, (long) count * dimension, into.length);
    VectorFile m = blocks();
    if (m != null) {
      m.read(from, count, into, offset);
    } else {
      readSlabs(from, count, into, offset);
    }
  }

  /** Rows {@code from .. from + count - 1} into {@code out} from {@code at}, a slab at a time, as float32. */
  private void readSlabs(int from, int count, float[] out, int at) throws IOException {
    if (dataset.getDataLayout() == io.jhdf.object.message.DataLayout.COMPACT) {
      // The values are in the object header (at most 64 KB), and jHDF reads no slice of them.
      try {
        Object all = dataset.getData();
        for (int r = 0; r < count; r++) {
          copy(Array.get(all, from + r), from + r, out, at + r * dimension);
        }
        return;
      } catch (UncheckedIOException e) {
        throw e.getCause();
      } catch (RuntimeException e) {
        throw malformed(file, e);
      }
    }
    int elementBytes;
    int chunkRows;
    try {
      elementBytes = Math.max(1, dataset.getDataType().getSize());
      chunkRows = dataset instanceof ChunkedDataset
          ? Math.max(1, ((ChunkedDataset) dataset).getChunkDimensions()[0]) : 0;
    } catch (RuntimeException e) {
      throw malformed(file, e);
    }
    long rowBytes = (long) dimension * elementBytes;
    long slabBytes = Long.getLong("knng.hdf5.slabBytes", SLAB_BYTES);
    int slabRows = (int) Math.max(1, Math.min(count, slabBytes / rowBytes));
    if (chunkRows > 0) {
      // Whole chunks per slab: a chunk cut by a slab's edge would be decoded once per slab it meets.
      if (slabRows > chunkRows) {
        slabRows -= slabRows % chunkRows;
      } else if ((long) chunkRows * rowBytes <= 8 * slabBytes) {
        slabRows = Math.min(count, chunkRows);
      }
    }
    int step = slabRows;
    int slabs = (count + step - 1) / step;
    // Slabs decoded in parallel (as jHDF decodes a whole dataset's chunks), each into its rows; of
    // the failures the first slab's is reported, whatever the threads' timing.
    RuntimeException[] failed = new RuntimeException[slabs];
    try {
      IntStream.range(0, slabs).parallel().forEach(s -> {
        int r0 = from + s * step;
        int n = Math.min(step, from + count - r0);
        try {
          Object slab = dataset.getData(new long[] {r0, 0}, new int[] {n, dimension});
          for (int r = 0; r < n; r++) {
            copy(Array.get(slab, r), r0 + r, out, at + (r0 - from + r) * dimension);
          }
        } catch (RuntimeException e) {
          failed[s] = e;
        }
      });
    } catch (OutOfMemoryError e) {
      // The result is allocated and each slab asked for is bounded: what did not fit is a chunk
      // the file declares larger.
      throw new InputFormatException(file + ": dataset '" + name + "' declares chunks larger than memory"
          + " (corrupt, or written with chunks too large to read)");
    }
    for (RuntimeException e : failed) {
      if (e instanceof UncheckedIOException) {
        throw ((UncheckedIOException) e).getCause();
      } else if (e != null) {
        throw malformed(file, e);
      }
    }
  }

  /**
   * Converts row {@code row} of the dataset, as jHDF gives it (an array of its type), into {@code
   * out} from {@code o}, refusing a value that is not finite (or not a float32) by its row and column.
   */
  private void copy(Object values, int row, float[] out, int o) {
    if (values instanceof float[]) {
      System.arraycopy(values, 0, out, o, dimension);
    } else if (values instanceof double[]) {
      double[] v = (double[]) values;
      for (int c = 0; c < dimension; c++) {
        out[o + c] = (float) v[c];
        if (Double.isFinite(v[c]) && Float.isInfinite(out[o + c])) {
          throw new UncheckedIOException(new InputFormatException(file + ": dataset '" + name + "', row "
              + row + ", column " + c + ": value " + v[c] + " is beyond the float32 range (+-3.4e38) knng"
              + " computes in"));
        }
      }
    } else if (values instanceof BigInteger[]) {
      BigInteger[] v = (BigInteger[]) values;
      for (int c = 0; c < dimension; c++) {
        out[o + c] = v[c].floatValue();
      }
    } else if (values != null && values.getClass().isArray() && values.getClass().getComponentType().isPrimitive()) {
      for (int c = 0; c < dimension; c++) {
        out[o + c] = ((Number) Array.get(values, c)).floatValue();
      }
    } else {
      throw new UncheckedIOException(new InputFormatException(file + ": dataset '" + name + "' holds"
          + " values that cannot be read as numbers"));
    }
    for (int c = 0; c < dimension; c++) {
      if (!Float.isFinite(out[o + c])) {
        throw new UncheckedIOException(new InputFormatException(file + ": dataset '" + name + "', row "
            + row + ", column " + c + ": value is " + out[o + c] + " (only finite values are allowed)"));
      }
    }
  }

  /** The one-line refusal of a file jHDF failed on; a failure outside jHDF is a bug, rethrown. */
  private static InputFormatException malformed(Path file, RuntimeException e) {
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
    String type = dataType(e);
    if (type != null) {
      // Where a data type's decoder failed, the file may be sound: jHDF cannot decode every type
      // (an opaque attribute, numpy's void, breaks 0.13 as it lists the group it is in).
      return new InputFormatException(file + ": the HDF5 reader cannot decode an object of " + type
          + " type in this file (" + reason + "); save the vectors alone, e.g. as .npy", e);
    }
    return new InputFormatException(file + ": not a readable HDF5 file (" + reason + ")", e);
  }

  /**
   * The HDF5 data type whose decoder (a class of {@code io.jhdf.object.datatype}) failed, in
   * lower case ({@code "opaque"}), or null where no decoder is on the stack.
   */
  private static String dataType(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      for (StackTraceElement frame : t.getStackTrace()) {
        String c = frame.getClassName();
        if (c.startsWith("io.jhdf.object.datatype.") && c.endsWith("DataType")
            && !c.endsWith(".DataType")) {
          return c.substring("io.jhdf.object.datatype.".length(), c.length() - "DataType".length())
              .toLowerCase(java.util.Locale.ROOT);
        }
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    try {
      if (mapped != null) {
        mapped.close();
      }
    } finally {
      hdf.close();
    }
  }

  private static void closeQuietly(HdfFile hdf) {
    if (hdf != null) {
      try {
        hdf.close();
      } catch (RuntimeException e) {
        // already failing on the file: the first failure is the one reported
      }
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
    org.knng.io.FileErrors.checkInput(file);
    if (!Files.isReadable(file)) {
      throw new java.nio.file.AccessDeniedException(file.toString(), null, "cannot read (permission denied)");
    }
    if (Files.size(file) == 0) {
      throw new InputFormatException(file + ": empty file, no vectors");
    }
  }

  /** Names for a message, in one line: "none", or each as messages show it, comma-separated. */
  private static String listed(java.util.Collection<String> names) {
    List<String> shown = new java.util.ArrayList<>();
    for (String n : names) {
      shown.add(InputFormatException.shown(n));
    }
    return shown.isEmpty() ? "none" : String.join(", ", shown);
  }

  private static Dataset dataset(HdfFile hdf, Path file, String name, String option)
      throws InputFormatException {
    Node node = find(hdf, name);
    if (!(node instanceof Dataset)) {
      TreeSet<String> names = new TreeSet<>();
      collect(hdf, "", names, 0);
      String more = names.size() > LISTED ? ", ..." : "";
      while (names.size() > LISTED) {
        names.pollLast();
      }
      throw new InputFormatException(file + ": no dataset '" + InputFormatException.shown(name)
          + "' (datasets: " + listed(names) + more + "; choose one with " + option + ")");
    }
    return (Dataset) node;
  }

  /** Groups nested deeper than this are not listed (links may form cycles). */
  private static final int LISTED_DEPTH = 8;
  /** Datasets named in a message at most (a file may hold thousands). */
  private static final int LISTED = 40;

  /** The paths of the datasets in a group and the groups within it, following soft links. */
  private static void collect(Group group, String prefix, TreeSet<String> names, int depth) {
    for (Node child : group) {
      Node node = child;
      if (node instanceof Link) {
        Link link = (Link) node;
        node = link.isBrokenLink() ? null : link.getTarget();
      }
      if (names.size() > LISTED) {
        return;
      }
      if (node instanceof Dataset) {
        names.add(prefix + child.getName());
      } else if (node instanceof Group && depth < LISTED_DEPTH) {
        collect((Group) node, prefix + child.getName() + "/", names, depth + 1);
      }
    }
  }

  /**
   * The node at a path ({@code a/b/c}), following soft links; null where there is none. (jHDF's
   * own look-up names the file in its error, which a mapped file has not.)
   */
  private static Node find(HdfFile hdf, String path) {
    Node node = hdf;
    for (String part : path.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (!(node instanceof Group)) {
        return null;
      }
      node = ((Group) node).getChildren().get(part);
      if (node instanceof Link) {
        Link link = (Link) node;
        node = link.isBrokenLink() ? null : link.getTarget();
      }
    }
    return node;
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
    if (shape[0] > Integer.MAX_VALUE - 8 || shape[1] > Integer.MAX_VALUE - 8) {
      throw new InputFormatException(file + ": dataset '" + name + "' has shape " + shape[0] + " x "
          + shape[1] + ", more rows or columns than knng can index (at most " + (Integer.MAX_VALUE - 8) + ")");
    }
    // Checked before jHDF reads (and allocates for) the data: what is stored cannot be larger than
    // the file (a corrupt chunk index can claim gigabytes).
    long stored = d.getStorageInBytes();
    long fileSize = fileSize(file);
    if (stored > fileSize) {
      throw new InputFormatException(file + ": dataset '" + name + "' claims " + stored
          + " bytes of storage but the file has " + fileSize + " (truncated or corrupt)");
    }
    if (d.isEmpty()) {
      // A chunked dataset created but never written: no chunk is stored, every value would be
      // the fill value (jHDF does not apply it), so there are no points to read.
      throw new InputFormatException(file + ": dataset '" + name + "' has shape " + shape[0] + " x "
          + shape[1] + " but no values stored (created, never written)");
    }
    checkFilledChunks(d, file, name, shape);
    Class<?> type = d.getJavaType();
    boolean numbers = type == BigInteger.class // jHDF's unsigned 64-bit integers
        || (type.isPrimitive() && type != boolean.class && type != char.class);
    if (!numbers) {
      // jHDF reads an enum (numpy's bool is one) as the names of its values: say which it is.
      String what = d.getDataType() instanceof io.jhdf.object.datatype.EnumDataType
          ? "enum (e.g. numpy bool)" : type.getSimpleName();
      throw new InputFormatException(file + ": dataset '" + name + "' holds " + what
          + " values; expected numbers (float32, float64 or integers)");
    }
    return shape;
  }

  /**
   * A chunk never written holds the dataset's fill value, which jHDF does not apply (it reads 0):
   * where the fill value is not 0, every chunk must be stored, or the values read would be wrong.
   */
  private static void checkFilledChunks(Dataset d, Path file, String name, long[] shape)
      throws InputFormatException {
    if (!(d instanceof ChunkedDataset)) {
      return;
    }
    Object fill = d.getFillValue();
    if (!(fill instanceof Number) || ((Number) fill).doubleValue() == 0) {
      return; // no fill value, or 0: what jHDF reads is right
    }
    int[] chunk = ((ChunkedDataset) d).getChunkDimensions();
    for (long r = 0; r < shape[0]; r += chunk[0]) {
      for (long c = 0; c < shape[1]; c += chunk[1]) {
        try {
          ((ChunkedDataset) d).getRawChunkBuffer(new int[] {(int) r, (int) c});
        } catch (RuntimeException e) {
          if (!insideJhdf(e)) {
            throw e;
          }
          throw new InputFormatException(file + ": dataset '" + name + "' has chunks never written (from row "
              + r + ", column " + c + "), which hold its fill value " + fill + "; the HDF5 reader cannot"
              + " apply a fill value: write every row, or save the vectors as .npy");
        }
      }
    }
  }

  private static long fileSize(Path file) throws InputFormatException {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new InputFormatException(file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }
}
