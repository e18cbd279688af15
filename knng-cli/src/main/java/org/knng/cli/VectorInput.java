package org.knng.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.knng.io.VectorFile;
import org.knng.io.VectorReader;
import org.knng.vectors.VectorSource;
import org.knng.vectors.Vectors;

/**
 * A vectors input of {@code knng build} (and {@code convert}), its shape known before its values
 * are read: a {@code .npy}, {@code .fvecs} or {@code .bvecs} file is opened as a memory-mapped
 * {@link VectorFile} (its header checked, nothing decoded), so that the run can be planned against
 * the memory budget and the file read whole or a block at a time; an HDF5 dataset is opened (its shape checked), and
 * mapped as well where it is stored contiguously ({@link Hdf5Input#blocks}) so that it too can be
 * read a block at a time, else read a slab at a time (whole when a run loads it); other formats
 * (text, {@code .npz}) are read whole at once.
 */
final class VectorInput implements AutoCloseable {
  private final Path file;
  private final VectorFile mapped;
  private final Hdf5Input hdf5;
  private Vectors loaded;

  private VectorInput(Path file, VectorFile mapped, Hdf5Input hdf5, Vectors loaded) {
    this.file = file;
    this.mapped = mapped;
    this.hdf5 = hdf5;
    this.loaded = loaded;
  }

  /**
   * @param file the file
   * @param dataset an HDF5 dataset, or null for {@code fallback}
   * @param fallback the HDF5 dataset read when none is named
   * @param option the option naming the dataset (for messages)
   * @return the input
   * @throws IOException naming the file if it cannot be read as vectors
   */
  static VectorInput open(Path file, String dataset, String fallback, String option) throws IOException {
    if (dataset == null && !Hdf5Input.handles(file) && VectorFile.isMappable(file)) {
      return new VectorInput(file, VectorFile.open(file), null, null);
    }
    if (Hdf5Input.handles(file)) {
      Hdf5Input hdf5 = Hdf5Input.open(file, dataset == null ? fallback : dataset, option);
      try {
        return new VectorInput(file, hdf5.blocks(), hdf5, null);
      } catch (IOException | RuntimeException e) {
        hdf5.close();
        throw e;
      }
    }
    return new VectorInput(file, null, null, Hdf5Input.vectors(file, dataset, fallback, option));
  }

  /**
   * @param option the option that named the file
   * @return how a message names the input: the option and the file, and an HDF5 file's dataset
   */
  String named(String option) {
    return option + " " + file + (hdf5 != null ? " (dataset '" + hdf5.name() + "')" : "");
  }

  /** @return the number of vectors */
  int rows() {
    return loaded != null ? loaded.size() : mapped != null ? mapped.size() : hdf5.rows();
  }

  /** @return values per vector */
  int dimension() {
    return loaded != null ? loaded.dimension() : mapped != null ? mapped.dimension() : hdf5.dimension();
  }

  /** @return the bytes of the vectors as float32 in memory */
  long bytes() {
    return 4L * rows() * dimension();
  }

  /** @return whether the input can be read a block at a time (it is not in memory yet) */
  boolean readsInBlocks() {
    return mapped != null && loaded == null;
  }

  /**
   * @return the input as a source of blocks: the mapped file, a chunked HDF5 dataset read a slab at
   *     a time (which a join should not read again and again: {@link #readsInBlocks} is false), or
   *     the vectors in memory
   */
  VectorSource blocks() {
    return loaded != null ? loaded : mapped != null ? mapped : hdf5;
  }

  /**
   * Before a run that reads the input in blocks: every row read once, so that a bad record or
   * value is refused now, not when its block is reached.
   *
   * @param blockRows rows per block
   * @throws IOException naming the first bad row
   */
  void check(int blockRows) throws IOException {
    if (mapped != null && loaded == null) {
      mapped.check(blockRows);
    }
  }

  /**
   * @return all vectors, decoded once and kept (read through the file, not the mapping, so that
   *     the file's pages do not stay resident besides the heap's copy)
   * @throws IOException if a value is malformed (naming its row)
   */
  Vectors load() throws IOException {
    if (loaded == null) {
      loaded = hdf5 != null ? hdf5.read() : VectorReader.read(file);
    }
    return loaded;
  }

  @Override
  public void close() throws IOException {
    if (hdf5 != null) {
      hdf5.close(); // closes its mapping too
    } else if (mapped != null) {
      mapped.close();
    }
  }
}
