package org.knng.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HDF5 input: the fixtures in {@code src/test/resources/hdf5} were written by h5py ({@code
 * make_fixtures.py} there) in ann-benchmarks' layout, each dataset also saved as {@code .npy}; a
 * graph built from a dataset must be the graph built from the same values read from {@code .npy},
 * byte for byte, and every malformed input must be refused with one line, exit code 2 and nothing
 * written.
 */
class Hdf5InputTest {
  @TempDir Path dir;

  @BeforeEach
  void fixtures() throws IOException {
    for (String name : new String[] {"ann.hdf5", "malformed.hdf5", "train.npy", "test.npy", "float64.npy",
        "counts.npy", "opaque.hdf5", "layouts.hdf5"}) {
      try (InputStream in = Hdf5InputTest.class.getResourceAsStream("/hdf5/" + name)) {
        Files.copy(in, dir.resolve(name));
      }
    }
  }

  private CliRun build(String... args) {
    List<String> all = new ArrayList<>(List.of("build", "--quiet"));
    all.addAll(Arrays.asList(args));
    return CliRun.of(all.toArray(new String[0]));
  }

  private byte[] graph(String name, String... args) throws IOException {
    Path out = dir.resolve(name);
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--k", "6", "--mode", "distance", "--output", out.toString()));
    CliRun r = build(all.toArray(new String[0]));
    assertEquals(0, r.exit(), r.err());
    return Files.readAllBytes(out);
  }

  @Test
  void theTrainDatasetIsReadByDefaultAndGivesTheGraphOfItsValues() throws IOException {
    // train is chunked and gzip-compressed; the .npy holds the same float32 values.
    byte[] fromHdf5 = graph("a.npz", "--input", dir.resolve("ann.hdf5").toString());
    byte[] fromNpy = graph("b.npz", "--input", dir.resolve("train.npy").toString());
    assertArrayEquals(fromNpy, fromHdf5);
    byte[] named = graph("c.npz", "--input", dir.resolve("ann.hdf5").toString(), "--dataset", "train");
    assertArrayEquals(fromNpy, named);
  }

  @Test
  void otherTypesAreConvertedToFloat32() throws IOException {
    assertArrayEquals(graph("a.npz", "--input", dir.resolve("float64.npy").toString()),
        graph("b.npz", "--input", dir.resolve("ann.hdf5").toString(), "--dataset", "float64"));
    assertArrayEquals(graph("c.npz", "--input", dir.resolve("counts.npy").toString()),
        graph("d.npz", "--input", dir.resolve("ann.hdf5").toString(), "--dataset", "counts"));
    // Unsigned 64-bit integers, which jHDF reads as BigInteger.
    assertArrayEquals(graph("e.npz", "--input", dir.resolve("counts.npy").toString()),
        graph("f.npz", "--input", dir.resolve("ann.hdf5").toString(), "--dataset", "ucounts"));
  }

  /**
   * Read in slabs of a few rows (a chunk cut by slabs, slabs of whole chunks, a contiguous integer
   * dataset): the values are those of one read.
   */
  @Test
  void slabsOfAFewRowsReadTheSameValues() throws IOException {
    byte[] train = graph("a.npz", "--input", dir.resolve("train.npy").toString());
    byte[] wide = graph("b.npz", "--input", dir.resolve("float64.npy").toString());
    byte[] counts = graph("c.npz", "--input", dir.resolve("counts.npy").toString());
    System.setProperty("knng.hdf5.slabBytes", "100");
    try {
      Path h5 = dir.resolve("ann.hdf5");
      assertArrayEquals(train, graph("d.npz", "--input", h5.toString()));
      assertArrayEquals(wide, graph("e.npz", "--input", h5.toString(), "--dataset", "float64"));
      assertArrayEquals(counts, graph("f.npz", "--input", h5.toString(), "--dataset", "counts"));
    } finally {
      System.clearProperty("knng.hdf5.slabBytes");
    }
  }

  /**
   * Contiguous datasets of float32, float64 (here big-endian), uint8 and int64, as h5py writes them,
   * are mapped for block reads, and the rows read through the mapping are the values jHDF decodes;
   * chunked and compressed datasets, and types a {@code .npy} file cannot hold (int16), are not.
   */
  @Test
  void contiguousDatasetsAreMappedWithTheValuesTheyHold() throws IOException {
    Path h5 = dir.resolve("ann.hdf5");
    float[] train = org.knng.io.VectorReader.read(dir.resolve("train.npy")).data();
    for (String name : new String[] {"test", "bigendian", "bytes", "longs"}) {
      try (Hdf5Input input = Hdf5Input.open(h5, name)) {
        org.knng.io.VectorFile mapped = input.blocks();
        assertTrue(mapped != null, name + " is contiguous");
        float[] whole = input.read().data();
        float[] blocks = new float[whole.length];
        for (int from = 0; from < input.rows(); from += 7) {
          int count = Math.min(7, input.rows() - from);
          mapped.read(from, count, blocks, from * input.dimension());
        }
        assertArrayEquals(whole, blocks, name);
        if (name.equals("bigendian")) {
          assertArrayEquals(Arrays.copyOf(train, 64 * 8), blocks, "float32 values widened and read back");
        }
      }
    }
    for (String name : new String[] {"train", "float64", "counts"}) {
      try (Hdf5Input input = Hdf5Input.open(h5, name)) {
        assertEquals(null, input.blocks(), name + " is chunked or int16");
      }
    }
  }

  /**
   * A file with a 512-byte user block before its superblock (h5py's {@code userblock_size}; HDF5
   * addresses count from the superblock, so a mapping at the bare address read zeros and header
   * bytes) and a compact dataset (values in the object header, of which jHDF reads no slice): both
   * give the values they hold, and the graph of the mapped one is the graph of its values.
   */
  @Test
  void aUserBlockAndACompactDatasetAreReadWithTheirValues() throws IOException {
    Path h5 = dir.resolve("layouts.hdf5");
    float[] train = org.knng.io.VectorReader.read(dir.resolve("train.npy")).data();
    try (Hdf5Input input = Hdf5Input.open(h5, "train")) {
      assertTrue(input.blocks() != null, "contiguous: mapped");
      assertArrayEquals(Arrays.copyOf(train, 40 * 8), input.read().data());
      assertArrayEquals(Arrays.copyOfRange(train, 10 * 8, 13 * 8), input.rows(10, 3).data());
    }
    try (Hdf5Input input = Hdf5Input.open(h5, "compact")) {
      assertEquals(null, input.blocks());
      assertArrayEquals(Arrays.copyOf(train, 5 * 8), input.read().data());
      assertArrayEquals(Arrays.copyOfRange(train, 2 * 8, 4 * 8), input.rows(2, 2).data());
    }
    Path first = dir.resolve("first40.npy");
    org.knng.io.NpyWriter.writeFloat32(first, 40, 8, Arrays.copyOf(train, 40 * 8));
    assertArrayEquals(graph("a.npz", "--input", first.toString()), graph("b.npz", "--input", h5.toString()));
  }

  /**
   * An exact run whose HDF5 input does not fit the memory budget reads it in blocks through the
   * mapping, and writes the graph a run reading the same values from {@code .npy} whole writes; a
   * NaN in a block is refused naming the dataset and its row before the run starts.
   */
  @Test
  void aContiguousDatasetLargerThanTheBudgetIsReadInBlocks() throws IOException {
    int n = 6000;
    int d = 32;
    Random random = new Random(11);
    float[][] rows = new float[n][d];
    float[] flat = new float[n * d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        rows[i][j] = random.nextInt(50) / 7f;
        flat[i * d + j] = rows[i][j];
      }
    }
    Path npy = dir.resolve("big.npy");
    org.knng.io.NpyWriter.writeFloat32(npy, n, d, flat);
    Path h5 = dir.resolve("big.h5");
    try (io.jhdf.WritableHdfFile file = io.jhdf.HdfFile.write(h5)) {
      file.putDataset("train", rows); // jHDF writes it contiguous
    }
    String budget = Long.toString(MemoryBudgetTest.blockedBudget(n, d, 0, 7));
    Path a = dir.resolve("a.npy");
    Path b = dir.resolve("b.npy");
    CliRun fromNpy = CliRun.of("build", "--input", npy.toString(), "--k", "7", "--algorithm", "exact",
        "--output", a.toString());
    assertEquals(0, fromNpy.exit(), fromNpy.err());
    CliRun blocked = CliRun.of("build", "--input", h5.toString(), "--k", "7", "--algorithm", "exact",
        "--memory", budget, "--output", b.toString());
    assertEquals(0, blocked.exit(), blocked.err());
    assertTrue(blocked.err().contains("reading it in blocks of"), blocked.err());
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));

    rows[4321][5] = Float.NaN;
    Path bad = dir.resolve("bad.h5");
    try (io.jhdf.WritableHdfFile file = io.jhdf.HdfFile.write(bad)) {
      file.putDataset("train", rows);
    }
    Path out = dir.resolve("c.npy");
    CliRun refused = CliRun.of("build", "--input", bad.toString(), "--k", "7", "--algorithm", "exact",
        "--memory", budget, "--output", out.toString());
    assertRefused(refused, bad + ": dataset 'train', row 4321, column 5: value is NaN");
    assertFalse(Files.exists(out));
  }

  /**
   * A few kilobytes can declare a gigabyte (chunks never written are not stored): the run is planned
   * on the declared shape and refused before anything is allocated for the values.
   */
  @Test
  void aDatasetLargerThanTheMemoryBudgetIsRefusedBeforeItIsRead() {
    assertRefused(build("--input", dir.resolve("malformed.hdf5").toString(), "--dataset", "vast", "--k", "3",
        "--memory", "256m", "--output", dir.resolve("out.npz").toString()), "more than the 256.0 MB available");
  }

  @Test
  void queriesReadTheTestDatasetByDefaultAndDatasetsInGroupsByPath() throws IOException {
    Path h5 = dir.resolve("ann.hdf5");
    assertArrayEquals(
        graph("a.npz", "--input", dir.resolve("train.npy").toString(), "--queries", dir.resolve("test.npy").toString()),
        graph("b.npz", "--input", h5.toString(), "--queries", h5.toString()));
    CliRun r = build("--input", h5.toString(), "--queries", h5.toString(), "--queries-dataset", "extra/inner",
        "--k", "3", "--output", dir.resolve("inner.npy").toString());
    assertEquals(0, r.exit(), r.err());
    CliRun same = build("--input", h5.toString(), "--queries", h5.toString(), "--k", "3",
        "--output", dir.resolve("test.npy.out.npy").toString());
    assertEquals(0, same.exit(), same.err());
    // extra/inner holds the first 5 test rows: the first 5 rows of ids agree.
    byte[] inner = Files.readAllBytes(dir.resolve("inner.npy"));
    byte[] test = Files.readAllBytes(dir.resolve("test.npy.out.npy"));
    int header = inner.length - 5 * 3 * 4;
    assertArrayEquals(Arrays.copyOfRange(test, header, header + 5 * 3 * 4), Arrays.copyOfRange(inner, header, inner.length));
  }

  /** A queries dataset that is not there is chosen with --queries-dataset, and the message says so. */
  @Test
  void aMissingQueriesDatasetNamesTheQueriesOption() {
    Path h5 = dir.resolve("ann.hdf5");
    assertRefused(build("--input", h5.toString(), "--queries", h5.toString(), "--queries-dataset", "nope",
        "--k", "3", "--output", dir.resolve("out.npz").toString()), "no dataset 'nope'");
    assertRefused(build("--input", h5.toString(), "--queries", h5.toString(), "--queries-dataset", "nope",
        "--k", "3", "--output", dir.resolve("out.npz").toString()), "; choose one with --queries-dataset)");
    assertRefused(build("--input", h5.toString(), "--dataset", "nope", "--k", "3",
        "--output", dir.resolve("out.npz").toString()), "; choose one with --dataset)");
    // Datasets of one file whose dimensions differ: the message names them.
    assertRefused(build("--input", h5.toString(), "--queries", h5.toString(), "--queries-dataset", "counts",
        "--k", "3", "--output", dir.resolve("out.npz").toString()), "--queries " + h5 + " (dataset 'counts')"
        + " has dimension 4 but --input " + h5 + " (dataset 'train') has ");
  }

  @Test
  void evalReadsHdf5Input() throws IOException {
    Path h5 = dir.resolve("ann.hdf5");
    graph("g.npz", "--input", h5.toString());
    CliRun r = CliRun.of("eval", "--input", h5.toString(), "--graph", dir.resolve("g.npz").toString(),
        "--sample", "300");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("recall@6 1.0000"), r.out());
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("no such dataset", "ann.hdf5", "nope", "no dataset 'nope' (datasets: bigendian, bytes, counts, distances, extra/inner, float64, longs, neighbors,"
            + " test, train, ucounts"),
        Arguments.of("no such dataset among many", "malformed.hdf5", "nope",
            "(datasets: bools, cube, empty, huge, line, many/d00, many/d01,"),
        Arguments.of("no such dataset: the list is cut", "malformed.hdf5", "nope", ", ...; choose one with --dataset)"),
        Arguments.of("3-D", "malformed.hdf5", "cube", "dataset 'cube' has shape [4, 3, 2]; expected 2 dimensions"),
        Arguments.of("1-D", "malformed.hdf5", "line", "dataset 'line' has shape [5]"),
        Arguments.of("empty", "malformed.hdf5", "empty", "dataset 'empty' is empty"),
        Arguments.of("strings", "malformed.hdf5", "words", "dataset 'words' holds String values"),
        Arguments.of("booleans", "malformed.hdf5", "bools", "dataset 'bools' holds enum (e.g. numpy bool) values"),
        Arguments.of("a fill value jHDF would read as 0", "malformed.hdf5", "partfill",
            "dataset 'partfill' has chunks never written (from row 2, column 0), which hold its fill value 2.5"),
        Arguments.of("NaN", "malformed.hdf5", "nan", "dataset 'nan', row 4, column 1"),
        Arguments.of("NaN, chunked", "malformed.hdf5", "nanchunked",
            "dataset 'nanchunked', row 4, column 1: value is NaN"),
        Arguments.of("float64 beyond float32", "malformed.hdf5", "huge",
            "dataset 'huge', row 2, column 1: value 1.0E300 is beyond the float32 range"),
        Arguments.of("scalar", "malformed.hdf5", "scalar", "dataset 'scalar' is not an array of numbers"),
        Arguments.of("never written", "malformed.hdf5", "unwritten",
            "dataset 'unwritten' has shape 4 x 3 but no values stored"),
        Arguments.of("a group", "ann.hdf5", "extra", "no dataset 'extra'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedDatasetsAreRefusedWithOneLine(String what, String file, String dataset, String message) {
    assertRefused(build("--input", dir.resolve(file).toString(), "--dataset", dataset, "--k", "1",
        "--output", dir.resolve("out.npz").toString()), message);
  }

  /**
   * A sound file whose objects the bundled reader cannot all decode (an opaque attribute, which
   * jHDF 0.13 fails on as it lists the group) is refused as such, naming the type, not called
   * corrupt.
   */
  @Test
  void aTypeTheReaderCannotDecodeIsNamedAsSuch() {
    CliRun r = build("--input", dir.resolve("opaque.hdf5").toString(), "--k", "1", "--output",
        dir.resolve("out.npz").toString());
    assertRefused(r, "opaque.hdf5: the HDF5 reader cannot decode an object of opaque type in this file");
    assertTrue(r.err().contains("save the vectors alone"), r.err());
  }

  @Test
  void filesThatAreNotHdf5AreRefusedWithOneLine() throws IOException {
    byte[] real = Files.readAllBytes(dir.resolve("ann.hdf5"));
    Files.write(dir.resolve("truncated.hdf5"), Arrays.copyOf(real, real.length / 2));
    byte[] noise = new byte[4096];
    new Random(3).nextBytes(noise);
    Files.write(dir.resolve("noise.h5"), noise);
    Files.write(dir.resolve("empty.hdf5"), new byte[0]);
    Files.createDirectory(dir.resolve("folder.hdf5"));
    assertRefused(build("--input", dir.resolve("truncated.hdf5").toString(), "--k", "1", "--output",
        dir.resolve("out.npz").toString()), "truncated.hdf5");
    assertRefused(build("--input", dir.resolve("noise.h5").toString(), "--k", "1", "--output",
        dir.resolve("out.npz").toString()), "noise.h5: not a readable HDF5 file");
    assertRefused(build("--input", dir.resolve("empty.hdf5").toString(), "--k", "1", "--output",
        dir.resolve("out.npz").toString()), "empty.hdf5: empty file");
    assertRefused(build("--input", dir.resolve("folder.hdf5").toString(), "--k", "1", "--output",
        dir.resolve("out.npz").toString()), "folder.hdf5: is a directory");
    assertRefused(build("--input", dir.resolve("missing.hdf5").toString(), "--k", "1", "--output",
        dir.resolve("out.npz").toString()), "missing.hdf5: no such file");
    assertRefused(build("--input", dir.resolve("train.npy").toString(), "--dataset", "train", "--k", "1",
        "--output", dir.resolve("out.npz").toString()), "--dataset train: " + dir.resolve("train.npy")
        + " is not an HDF5 (.hdf5, .h5) or .npz file");
    assertRefused(build("--input", dir.resolve("ann.hdf5").toString(), "--queries-dataset", "test", "--k", "1",
        "--output", dir.resolve("out.npz").toString()), "--queries-dataset needs --queries");
  }

  /**
   * Files a mutation run found to crash the reader (exceptions inside jHDF, a header claiming
   * gigabytes): each is now refused as a malformed file.
   */
  @ParameterizedTest(name = "mutant-{0}.hdf5")
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3, 4, 5, 6})
  void mutantsThatOnceCrashedAreRefused(int n) throws IOException {
    Path file = dir.resolve("mutant.hdf5");
    try (InputStream in = Hdf5InputTest.class.getResourceAsStream("/hdf5/regressions/mutant-" + n + ".hdf5")) {
      Files.copy(in, file);
    }
    Path out = dir.resolve("out.npz");
    assertReadOrRefused(build("--input", file.toString(), "--k", "3", "--output", out.toString()), out,
        "mutant-" + n);
  }

  /**
   * A mutant whose dataset declares 3,472,883,715 columns (past an int: once a negative dimension,
   * then an "internal error") is refused by its shape.
   */
  @Test
  void aDatasetOfMoreColumnsThanAnIntHoldsIsRefused() throws IOException {
    Path file = dir.resolve("mutant.hdf5");
    try (InputStream in = Hdf5InputTest.class.getResourceAsStream("/hdf5/regressions/mutant-7.hdf5")) {
      Files.copy(in, file);
    }
    assertRefused(build("--input", file.toString(), "--dataset", "float64", "--k", "3", "--output",
        dir.resolve("out.npz").toString()), "dataset 'float64' has shape 40 x 3472883715, more rows or columns"
        + " than knng can index");
  }

  /**
   * A bounded mutation run (the same seeded mutants every time; {@code -Dknng.fuzz.mutants=N}
   * runs more): random bytes overwritten, bits flipped, the file cut short. Every mutant either
   * reads (and writes its graph) or is refused with one line and exit code 2: never an internal
   * error, a stack trace or an out-of-memory failure. A mutant that fails this belongs in
   * {@code src/test/resources/hdf5/regressions}.
   */
  @Test
  void seededMutantsAreReadOrRefusedNeverCrash() throws IOException {
    byte[] base = Files.readAllBytes(dir.resolve("ann.hdf5"));
    int mutants = Integer.getInteger("knng.fuzz.mutants", 150);
    Random random = new Random(20261201);
    Path file = dir.resolve("m.hdf5");
    Path out = dir.resolve("m.npy");
    int read = 0;
    for (int i = 0; i < mutants; i++) {
      byte[] m = base.clone();
      for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
        int p = random.nextInt(m.length);
        switch (random.nextInt(3)) {
          case 0:
            m[p] = (byte) random.nextInt(256);
            break;
          case 1:
            m[p] ^= (byte) (1 << random.nextInt(8));
            break;
          default:
            m[p] = (byte) 0xff;
        }
      }
      if (random.nextInt(10) == 0) {
        m = Arrays.copyOf(m, random.nextInt(m.length));
      }
      Files.write(file, m);
      Files.deleteIfExists(out);
      // Chunked (train, float64) and contiguous, mapped (bigendian, test) datasets.
      String dataset = new String[] {"train", "float64", "bigendian", "test"}[i % 4];
      CliRun r = build("--input", file.toString(), "--dataset", dataset, "--k", "3", "--output", out.toString());
      if (assertReadOrRefused(r, out, "mutant " + i + " (seed 20261201)")) {
        read++;
      }
    }
    assertTrue(read > 0 && read < mutants, "some mutants still read, most do not: " + read);
  }

  /** Read (exit 0, the output written) or refused (exit 2, one error line, nothing written). */
  private static boolean assertReadOrRefused(CliRun r, Path out, String what) {
    if (r.exit() == 0) {
      assertTrue(Files.exists(out), what);
      return true;
    }
    assertEquals(2, r.exit(), what + ": " + r.err());
    assertEquals(1, r.err().strip().split("\n").length, what + ": " + r.err());
    assertTrue(r.err().startsWith("error: ") && !r.err().contains("internal error"), what + ": " + r.err());
    assertFalse(r.err().contains("Exception"), what + ": " + r.err());
    assertFalse(Files.exists(out), what);
    return false;
  }

  private void assertRefused(CliRun r, String message) {
    assertEquals(2, r.exit(), r.err());
    String[] lines = r.err().strip().split("\n");
    assertEquals(1, lines.length, r.err());
    assertTrue(lines[0].startsWith("error: ") && lines[0].contains(message), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(Files.exists(dir.resolve("out.npz")), "nothing written");
  }

  /**
   * A .npz archive (numpy.savez) is chosen from as an HDF5 file is: --dataset names the array,
   * else its only array, else train; an archive of several arrays without train says which it has.
   */
  @Test
  void npzArchivesNameTheirArrayAsHdf5FilesDo() throws Exception {
    Random random = new Random(4);
    float[] train = new float[300 * 5];
    float[] test = new float[20 * 5];
    for (float[] a : List.of(train, test)) {
      for (int i = 0; i < a.length; i++) {
        a[i] = random.nextFloat();
      }
    }
    Path trainNpy = dir.resolve("train.npy");
    Path testNpy = dir.resolve("test.npy");
    org.knng.io.NpyWriter.writeFloat32(trainNpy, 300, 5, train);
    org.knng.io.NpyWriter.writeFloat32(testNpy, 20, 5, test);
    Path both = zip("both.npz", "train.npy", trainNpy, "test.npy", testNpy);
    Path only = zip("only.npz", "points.npy", trainNpy);
    Path other = zip("other.npz", "a.npy", trainNpy, "b.npy", testNpy);

    CliRun want = CliRun.of("build", "--input", trainNpy.toString(), "--queries", testNpy.toString(), "--k", "4",
        "--output", dir.resolve("want.npy").toString(), "-q");
    assertEquals(0, want.exit(), want.err());
    byte[] expected = Files.readAllBytes(dir.resolve("want.npy"));
    for (String[] args : new String[][] {
        {"--input", both.toString(), "--queries", both.toString()},
        {"--input", both.toString(), "--dataset", "train", "--queries", testNpy.toString()},
        {"--input", only.toString(), "--queries", both.toString(), "--queries-dataset", "test"},
        {"--input", other.toString(), "--dataset", "a", "--queries", other.toString(), "--queries-dataset",
            "b"}}) {
      Path out = dir.resolve("got.npy");
      List<String> a = new ArrayList<>(List.of("build", "--k", "4", "--output", out.toString(), "-q"));
      a.addAll(Arrays.asList(args));
      CliRun r = CliRun.of(a.toArray(String[]::new));
      assertEquals(0, r.exit(), String.join(" ", args) + ": " + r.err());
      assertArrayEquals(expected, Files.readAllBytes(out), String.join(" ", args));
    }
    Path out = dir.resolve("none.npy");
    CliRun r = CliRun.of("build", "--input", other.toString(), "--k", "4", "--output", out.toString());
    assertEquals(2, r.exit(), r.err());
    assertEquals("error: " + other + ": the archive holds 2 arrays (a, b); choose one with --dataset\n",
        r.err());
    r = CliRun.of("build", "--input", other.toString(), "--dataset", "c", "--k", "4", "--output", out.toString());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().startsWith("error: " + other + ": no array 'c' (arrays: a, b)"), r.err());
    assertFalse(Files.exists(out));
    // A name may hold a newline (a zip entry's name may hold anything): the error stays one line.
    Path odd = zip("odd.npz", "a.npy", trainNpy, "b\nc.npy", testNpy);
    r = CliRun.of("build", "--input", odd.toString(), "--k", "4", "--output", out.toString());
    assertEquals(2, r.exit(), r.err());
    assertEquals("error: " + odd + ": the archive holds 2 arrays (a, b\\u000ac); choose one with"
        + " --dataset\n", r.err());
    assertFalse(Files.exists(out));
  }

  private Path zip(String name, Object... entries) throws IOException {
    Path file = dir.resolve(name);
    try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
      for (int i = 0; i < entries.length; i += 2) {
        zip.putNextEntry(new java.util.zip.ZipEntry((String) entries[i]));
        zip.write(Files.readAllBytes((Path) entries[i + 1]));
        zip.closeEntry();
      }
    }
    return file;
  }
}
