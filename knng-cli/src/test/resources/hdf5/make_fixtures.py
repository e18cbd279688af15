"""Writes the HDF5 test fixtures (run with /usr/bin/python3, Debian's python3-h5py):
ann.hdf5 in ann-benchmarks' layout, with its train and test datasets also as .npy for comparison,
and malformed.hdf5 with datasets a reader must refuse."""
import h5py
import numpy as np

r = np.random.RandomState(7)
train = r.rand(300, 8).astype(np.float32)
train[5] = train[2]  # a duplicate
test = r.rand(20, 8).astype(np.float32)
wide = r.randn(40, 3)  # float64
with h5py.File("ann.hdf5", "w") as f:
    f.attrs["distance"] = "euclidean"
    f.create_dataset("train", data=train, chunks=(64, 8), compression="gzip")
    f.create_dataset("test", data=test)
    f.create_dataset("neighbors", data=np.zeros((20, 10), np.int32))
    f.create_dataset("distances", data=np.zeros((20, 10), np.float32))
    f.create_dataset("float64", data=wide, chunks=(16, 3), compression="gzip")
    f.create_dataset("counts", data=r.randint(0, 9, size=(30, 4)).astype(np.int16))
    f.create_dataset("ucounts", data=f["counts"][()].astype(np.uint64))  # read by jHDF as BigInteger
    f.create_group("extra").create_dataset("inner", data=test[:5])
    # Contiguous datasets of the types knng maps and reads in blocks (the first 64 rows of train).
    f.create_dataset("bigendian", data=train[:64].astype(">f8"))
    f.create_dataset("bytes", data=(train[:64] * 255).astype(np.uint8))
    f.create_dataset("longs", data=(train[:64] * 1000).astype(np.int64))
np.save("train.npy", train)
np.save("test.npy", test)
np.save("float64.npy", wide.astype(np.float32))
np.save("counts.npy", h5py.File("ann.hdf5", "r")["counts"][()].astype(np.float32))

with h5py.File("malformed.hdf5", "w") as f:
    f.create_dataset("cube", data=np.zeros((4, 3, 2), np.float32))
    f.create_dataset("line", data=np.zeros(5, np.float32))
    f.create_dataset("empty", data=np.zeros((0, 4), np.float32))
    f.create_dataset("words", data=np.array([b"a", b"bc"]).reshape(2, 1))
    f.create_dataset("bools", data=np.ones((3, 2), bool))  # an HDF5 enum
    part = f.create_dataset("partfill", shape=(4, 3), dtype=np.float32, chunks=(2, 3), fillvalue=2.5)
    part[:2] = 1  # the second chunk never written: its values are the fill value, 2.5
    nan = np.ones((6, 3), np.float32)
    nan[4, 1] = np.nan
    f.create_dataset("nan", data=nan)
    f.create_dataset("nanchunked", data=nan, chunks=(2, 3), compression="gzip")  # read in slabs
    f.create_dataset("scalar", data=3.0)
    huge = np.ones((5, 2))  # float64
    huge[2, 1] = 1e300  # finite, but not as float32
    f.create_dataset("huge", data=huge)
    f.create_dataset("unwritten", shape=(4, 3), dtype=np.float32, chunks=(2, 3))  # no chunk stored
    # 1.2 GB of float32 declared in a few KB: one chunk written, the rest unallocated (read as zeros)
    vast = f.create_dataset("vast", shape=(300, 1_000_000), dtype=np.float32, chunks=(64, 8))
    vast[:64, :8] = 1
    many = f.create_group("many")  # more datasets than a message lists
    for i in range(45):
        many.create_dataset("d%02d" % i, data=np.zeros((2, 2), np.float32))

# A user block before the superblock (HDF5 addresses count from the superblock), and a compact
# dataset (its values in the object header), both holding the first rows of train.
with h5py.File("layouts.hdf5", "w", userblock_size=512) as f:
    f.create_dataset("train", data=train[:40])
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    compact = h5py.h5d.create(f.id, b"compact", h5py.h5t.IEEE_F32LE, h5py.h5s.create_simple((5, 8)), dcpl=dcpl)
    compact.write(h5py.h5s.ALL, h5py.h5s.ALL, np.ascontiguousarray(train[:5]))

# A sound file that jHDF 0.13 cannot list: an opaque (numpy void) attribute next to the vectors.
with h5py.File("opaque.hdf5", "w") as f:
    f.create_dataset("train", data=train[:50]).attrs["meta"] = np.void(b"abcd")
