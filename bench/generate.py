"""Seeded synthetic datasets for the benchmarks, written as float32 .npy.

usage: /usr/bin/python3 bench/generate.py mixture --n 1000000 --d 96 --clusters 1000 --seed 7 --out X.npy
       /usr/bin/python3 bench/generate.py random --n 100000 --d 128 --seed 20261125 --out X.npy
       /usr/bin/python3 bench/generate.py uniform --n 1000000 --d 3 --out X.npy
       /usr/bin/python3 bench/generate.py surface --n 1000000 --out X.npy
       /usr/bin/python3 bench/generate.py clouds --clouds 1000 --points 1024 --out X.npy
           (also writes X.labels.txt and X.labels.npy; --labels-txt/--labels-npy name them)
The seeds of uniform, surface and clouds default to the ones bench/lowdim.py uses (below).

mixture: a Gaussian mixture whose clusters differ in size and in spread, the shape of real
embeddings that knn-graph methods find hard to do uniformly well on:
  - cluster c (c = 1..C, in a seeded random order) has weight proportional to 1/c (Zipf): at
    1,000,000 points and 1000 clusters the largest holds about 134,000 points, the smallest about 130;
  - centres are standard normal in d dimensions (so two centres are about sqrt(2d) apart);
  - cluster c is isotropic with sigma_c log-uniform in [0.05, 0.5] (a 10x range), so the widest
    clusters overlap their neighbours and the tightest are far apart.
Each point draws its cluster independently. Rows are made in fixed chunks of 65,536, each from its
own seed (the run's seed and the chunk's index), so the first n rows are the same whatever --n is:
a 200k file is the first 200k rows of the 1M one.

random: i.i.d. standard normal, the same rows as peers.py's random datasets at the same seed (one
generator call, so this one holds the whole array in memory).

The low-dimensional (point-cloud) sets of bench/lowdim.py; each holds the whole array in memory
(1M x 8 float32 is 32 MB) and takes a few seconds at most:

uniform: i.i.d. uniform in the unit cube [0, 1)^d, float32, from default_rng([seed, d]) (default
seed 20261210) in one call, so the first n rows are the same whatever --n is (uniform200k is the
first 200k rows of uniform1m) and each d has its own stream.

surface: a LiDAR-like scan of a street scene, in metres (default seed 20261211): points lie on
surfaces, thin shells with large empty volumes between them, and their density falls with the
distance from the scanners.
  - ground: a 300 m x 300 m height field z = 0.5 sin(x/37) cos(y/53) + 0.2 sin((x + 2y)/17)
    (gentle: slopes below 5%), without the points inside building footprints;
  - streets: centre lines x = -90, 0, 90 and y = -90, 0, 90;
  - buildings: boxes 6-24 m a side, 6-30 m high, turned up to 4 degrees off the street grid, set
    at least 10 m back from every street centre line and 1 m from each other (candidates placed
    in turn while they fit, at most 320: 125 at the default seed); their four facades only;
  - 150 cars: 4.6 x 1.8 x 1.5 m boxes in the lanes (4 sides and the roof);
  - 144 poles: cylinders of radius 0.1 m, 5-9 m high, every ~25 m on both sides of each street;
  - 180 trees: a trunk (cylinder, radius 0.15-0.35 m, 2-4 m high) and a crown (sphere, radius
    1.5-3.5 m) beside the streets;
  - 6 scanner positions 2 m above the streets. Candidate points are drawn uniformly by area over
    all surfaces, moved by isotropic Gaussian sensor noise (sigma 1 cm), kept with probability
    min(1, sum over scanners of (12 m / distance)^2) (full density within 12 m of a scanner,
    falling as 1/r^2 beyond, like a scanner's fixed angular resolution), rounded to 1 mm (LAS
    files store millimetres) and finally shuffled, so that row order carries no locality.
  Occlusion is not modelled (facades behind others are scanned too). At the default seed and n =
  1M: 6.5% of the 1 m cells of the bounding box hold a point, the median distance to the nearest
  other point is 16 cm (10th-90th percentile 6-41 cm), 11% of the points lie within 12 m of a
  scanner and 37% within 25 m.

clouds: a batch of small point clouds, like a PyTorch Geometric batch of shapes (default seed
20261212). Cloud c (drawn from default_rng([seed, 1, c])) is one of
  - an ellipsoid (40%): points uniform in direction, axes 0.2-1.0;
  - an object (60%) of 2-4 primitive surfaces placed within [-0.4, 0.4]^3: closed boxes (half
    sides 0.05-0.4), open vertical cylinders (radius 0.03-0.3, height 0.1-0.8) and spheres
    (radius 0.05-0.35), points uniform by area over them;
then bent and tapered (x *= 1 + t z, y += b x^2 with t, b in [-0.5, 0.5]), scaled per axis by
0.5-1.5, turned by a uniformly random rotation, moved by up to 0.1 per axis (so the clouds overlap
in space: neighbours must be found within a cloud, not merely nearby) and given Gaussian noise of
sigma 0.005. The clouds are stacked, then the rows are shuffled with default_rng([seed, 2]): the
labels (cloud ids 0..C-1) are NOT sorted. Labels are written as text (one per line, what
`knng build --groups` reads, as it does a 1-D integer .npy) and as int64 .npy.
"""
import argparse

import numpy as np

CHUNK = 65536


def mixture_parameters(d, clusters, seed):
    """Weights (sum 1), centres (clusters x d) and sigmas (clusters) of the mixture."""
    rng = np.random.default_rng([seed, 0])
    weights = 1.0 / np.arange(1, clusters + 1)
    weights = rng.permutation(weights / weights.sum())
    centres = rng.standard_normal((clusters, d))
    sigmas = np.exp(rng.uniform(np.log(0.05), np.log(0.5), clusters))
    return weights, centres, sigmas


def write_mixture(out, n, d, clusters, seed, labels_out=None):
    weights, centres, sigmas = mixture_parameters(d, clusters, seed)
    cumulative = np.cumsum(weights)
    cumulative[-1] = 1.0
    # Plain appends, not a memory map: mapped pages that were written count in the peak RSS.
    with open(out, "wb") as f, open(labels_out or "/dev/null", "wb") as g:
        np.lib.format.write_array_header_1_0(f, {"descr": "<f4", "fortran_order": False, "shape": (n, d)})
        np.lib.format.write_array_header_1_0(g, {"descr": "<i4", "fortran_order": False, "shape": (n,)})
        for chunk, start in enumerate(range(0, n, CHUNK)):
            rng = np.random.default_rng([seed, 1, chunk])
            rows = min(CHUNK, n - start)
            # The full chunk is always drawn so that a shorter file is a prefix of a longer one.
            label = np.searchsorted(cumulative, rng.random(CHUNK), side="right")
            block = centres[label] + sigmas[label, None] * rng.standard_normal((CHUNK, d))
            f.write(block[:rows].astype("<f4").tobytes())
            g.write(label[:rows].astype("<i4").tobytes())


def write_random(out, n, d, seed):
    np.save(out, np.random.default_rng(seed).standard_normal((n, d), dtype=np.float32))


UNIFORM_SEED = 20261210
SURFACE_SEED = 20261211
CLOUDS_SEED = 20261212


def uniform(n, d, seed=UNIFORM_SEED):
    """n x d float32, i.i.d. uniform in [0, 1)^d; the first rows do not depend on n."""
    return np.random.default_rng([seed, d]).random((n, d), dtype=np.float32)


def random_rotation(rng):
    """A 3 x 3 rotation matrix, uniformly distributed (QR of a Gaussian matrix, signs fixed)."""
    q, r = np.linalg.qr(rng.standard_normal((3, 3)))
    q *= np.sign(np.diag(r))
    if np.linalg.det(q) < 0:
        q[:, 0] = -q[:, 0]
    return q


class Surfaces:
    """Pieces of surface to draw points from uniformly by area: parallelograms (origin, edge
    vectors u and v), open vertical cylinders (centre of the base, radius, height) and spheres
    (centre, radius)."""

    def __init__(self):
        self.rects, self.cylinders, self.spheres = [], [], []

    def add_box(self, centre, half, yaw=0.0, top=True, bottom=True):
        """A box turned by yaw about the vertical: its four sides, and its top and bottom if asked.
        centre is the middle of the bottom face; half = (half length, half width, height)."""
        cx, cy, z0 = centre
        a, b, h = half
        c, s = np.cos(yaw), np.sin(yaw)
        ex, ey = np.array([c, s, 0.0]), np.array([-s, c, 0.0])
        corners = [np.array([cx, cy, z0]) + sx * a * ex + sy * b * ey
                   for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
        up = np.array([0.0, 0.0, h])
        for i in range(4):
            self.rects.append((corners[i], corners[(i + 1) % 4] - corners[i], up))
        if top:
            self.rects.append((corners[0] + up, corners[1] - corners[0], corners[3] - corners[0]))
        if bottom:
            self.rects.append((corners[0], corners[1] - corners[0], corners[3] - corners[0]))

    def add_cylinder(self, base, radius, height):
        self.cylinders.append((np.asarray(base, dtype=float), float(radius), float(height)))

    def add_sphere(self, centre, radius):
        self.spheres.append((np.asarray(centre, dtype=float), float(radius)))

    def areas(self):
        rect = np.linalg.norm(np.cross(*self._rect_arrays()[1:]), axis=1) if self.rects else np.empty(0)
        cyl = [2 * np.pi * r * h for _, r, h in self.cylinders]
        sph = [4 * np.pi * r * r for _, r in self.spheres]
        return np.concatenate([rect, cyl, sph])

    def _rect_arrays(self):
        """(origins, u, v) of the parallelograms, each an m x 3 array."""
        return tuple(np.array([r[j] for r in self.rects]).reshape(-1, 3) for j in range(3))

    def total_area(self):
        return float(self.areas().sum())

    def sample(self, rng, n):
        """n x 3 float64 points, uniform by area over all pieces."""
        areas = self.areas()
        cumulative = np.cumsum(areas) / areas.sum()
        piece = np.minimum(np.searchsorted(cumulative, rng.random(n), side="right"), len(areas) - 1)
        out = np.empty((n, 3))
        nr, nc = len(self.rects), len(self.cylinders)
        if nr:
            sel = np.flatnonzero(piece < nr)
            o, u, v = self._rect_arrays()
            i = piece[sel]
            st = rng.random((len(sel), 2))
            out[sel] = o[i] + st[:, :1] * u[i] + st[:, 1:] * v[i]
        if nc:
            sel = np.flatnonzero((piece >= nr) & (piece < nr + nc))
            base = np.array([c[0] for c in self.cylinders])
            radius = np.array([c[1] for c in self.cylinders])
            height = np.array([c[2] for c in self.cylinders])
            i = piece[sel] - nr
            angle = 2 * np.pi * rng.random(len(sel))
            out[sel] = base[i] + np.column_stack([radius[i] * np.cos(angle), radius[i] * np.sin(angle),
                                                  height[i] * rng.random(len(sel))])
        if self.spheres:
            sel = np.flatnonzero(piece >= nr + nc)
            centre = np.array([s[0] for s in self.spheres])
            radius = np.array([s[1] for s in self.spheres])
            i = piece[sel] - nr - nc
            g = rng.standard_normal((len(sel), 3))
            g /= np.linalg.norm(g, axis=1, keepdims=True)
            out[sel] = centre[i] + radius[i, None] * g
        return out


# The street scene of `surface` (see the module docstring), in metres.
SCENE_HALF = 150.0
STREETS = (-90.0, 0.0, 90.0)
SCANNERS = np.array([[0.0, 0.0], [60.0, 0.0], [-45.0, 90.0], [0.0, -70.0], [90.0, 40.0], [-90.0, -30.0]])
SCANNER_HEIGHT = 2.0
FULL_DENSITY_RANGE = 12.0
SENSOR_NOISE = 0.01
RASTER = 0.5  # cell size of the building-footprint raster that removes ground under buildings


def ground_height(x, y):
    return 0.5 * np.sin(x / 37) * np.cos(y / 53) + 0.2 * np.sin((x + 2 * y) / 17)


def street_scene(rng):
    """(Surfaces of buildings, cars, poles and trees; footprint raster, True inside a building)."""
    surfaces = Surfaces()
    cells = int(2 * SCENE_HALF / RASTER)
    inside = np.zeros((cells, cells), dtype=bool)
    centres = (np.arange(cells) + 0.5) * RASTER - SCENE_HALF
    streets = np.array(STREETS)

    # Buildings: candidates in one draw, placed in turn when clear of the streets and at least 1 m
    # from every building placed before (checked on the footprint raster), up to 320.
    m = 6000
    cx, cy = rng.uniform(-SCENE_HALF + 12, SCENE_HALF - 12, (2, m))
    a, b = rng.uniform(3.0, 12.0, (2, m))
    yaw = np.radians(rng.uniform(-4.0, 4.0, m))
    height = rng.uniform(6.0, 30.0, m)
    ext_x = a * np.abs(np.cos(yaw)) + b * np.abs(np.sin(yaw))
    ext_y = a * np.abs(np.sin(yaw)) + b * np.abs(np.cos(yaw))
    clear = ((np.abs(cx[:, None] - streets).min(axis=1) > ext_x + 10)
             & (np.abs(cy[:, None] - streets).min(axis=1) > ext_y + 10))
    placed = 0
    for j in np.flatnonzero(clear):
        lo_x, hi_x = np.searchsorted(centres, [cx[j] - ext_x[j] - 1, cx[j] + ext_x[j] + 1])
        lo_y, hi_y = np.searchsorted(centres, [cy[j] - ext_y[j] - 1, cy[j] + ext_y[j] + 1])
        gx, gy = np.meshgrid(centres[lo_x:hi_x] - cx[j], centres[lo_y:hi_y] - cy[j], indexing="ij")
        along = np.abs(gx * np.cos(yaw[j]) + gy * np.sin(yaw[j]))
        across = np.abs(-gx * np.sin(yaw[j]) + gy * np.cos(yaw[j]))
        if inside[lo_x:hi_x, lo_y:hi_y][(along <= a[j] + 1) & (across <= b[j] + 1)].any():
            continue
        inside[lo_x:hi_x, lo_y:hi_y] |= (along <= a[j]) & (across <= b[j])
        surfaces.add_box((cx[j], cy[j], ground_height(cx[j], cy[j]) - 0.3), (a[j], b[j], height[j]), yaw[j],
                         top=False, bottom=False)
        placed += 1
        if placed == 320:
            break

    def along_street(count, offsets):
        """Positions beside the streets: (x, y, direction of the street in radians)."""
        street = rng.integers(0, 2 * len(STREETS), count)
        t = rng.uniform(-SCENE_HALF, SCENE_HALF, count)
        off = streets[street % len(STREETS)] + rng.choice(offsets, count)
        along_x = street < len(STREETS)  # streets 0..2 run along x (y = const), 3..5 along y
        return np.where(along_x, t, off), np.where(along_x, off, t), np.where(along_x, 0.0, np.pi / 2)

    x, y, direction = along_street(150, [-3.0, 3.0])  # cars in the lanes
    for j in range(150):
        surfaces.add_box((x[j], y[j], ground_height(x[j], y[j])), (2.3, 0.9, 1.5),
                         direction[j] + np.radians(rng.uniform(-3, 3)), top=True, bottom=False)
    for s in streets:  # poles every ~25 m on both sides of every street
        t = np.arange(-SCENE_HALF + 5, SCENE_HALF - 5, 25.0)[:12] + rng.uniform(-2, 2, 12)
        for side in (-8.5, 8.5):
            for px, py in list(zip(t, np.full(12, s + side))) + list(zip(np.full(12, s + side), t)):
                surfaces.add_cylinder((px, py, ground_height(px, py)), 0.1, rng.uniform(5.0, 9.0))
    x, y, _ = along_street(180, [-9.3, 9.3])  # trees
    for j in range(180):
        trunk = rng.uniform(2.0, 4.0)
        crown = rng.uniform(1.5, 3.5)
        z = ground_height(x[j], y[j])
        surfaces.add_cylinder((x[j], y[j], z), rng.uniform(0.15, 0.35), trunk)
        surfaces.add_sphere((x[j], y[j], z + trunk + 0.6 * crown), crown)
    return surfaces, inside


def surface(n, seed=SURFACE_SEED, batch=1 << 21):
    """n x 3 float32 points of the street scene (see the module docstring)."""
    rng = np.random.default_rng([seed, 0])
    surfaces, inside = street_scene(rng)
    scanners = np.column_stack([SCANNERS, ground_height(SCANNERS[:, 0], SCANNERS[:, 1]) + SCANNER_HEIGHT])
    ground_area = (2 * SCENE_HALF) ** 2
    ground_share = ground_area / (ground_area + surfaces.total_area())
    kept, have, chunk = [], 0, 0
    while have < n:  # batches of candidates, each from its own seed, until n are kept
        r = np.random.default_rng([seed, 1, chunk])
        chunk += 1
        g = r.binomial(batch, ground_share)
        xy = r.uniform(-SCENE_HALF, SCENE_HALF, (g, 2))
        cell = np.minimum(((xy + SCENE_HALF) / RASTER).astype(np.int64), inside.shape[0] - 1)
        xy = xy[~inside[cell[:, 0], cell[:, 1]]]
        P = np.vstack([np.column_stack([xy, ground_height(xy[:, 0], xy[:, 1])]), surfaces.sample(r, batch - g)])
        P += r.normal(0.0, SENSOR_NOISE, P.shape)
        chance = np.zeros(len(P))
        for s in scanners:
            d2 = ((P - s) ** 2).sum(axis=1)
            chance += FULL_DENSITY_RANGE ** 2 / np.maximum(d2, FULL_DENSITY_RANGE ** 2)
        keep = r.random(len(P)) < chance
        kept.append(P[keep])
        have += int(keep.sum())
    X = np.round(np.vstack(kept)[:n], 3)
    return X[np.random.default_rng([seed, 2]).permutation(n)].astype(np.float32)


def one_cloud(rng, points):
    """points x 3 float64: one deformed shape (see the module docstring)."""
    if rng.random() < 0.4:
        g = rng.standard_normal((points, 3))
        P = g / np.linalg.norm(g, axis=1, keepdims=True) * rng.uniform(0.2, 1.0, 3)
    else:
        parts = Surfaces()
        for _ in range(rng.integers(2, 5)):
            kind = rng.integers(0, 3)
            centre = rng.uniform(-0.4, 0.4, 3)
            if kind == 0:
                half = rng.uniform(0.05, 0.4, 3)
                parts.add_box((centre[0], centre[1], centre[2] - half[2]), (half[0], half[1], 2 * half[2]),
                              rng.uniform(0, np.pi))
            elif kind == 1:
                height = rng.uniform(0.1, 0.8)
                parts.add_cylinder(centre - [0, 0, height / 2], rng.uniform(0.03, 0.3), height)
            else:
                parts.add_sphere(centre, rng.uniform(0.05, 0.35))
        P = parts.sample(rng, points)
    taper, bend = rng.uniform(-0.5, 0.5, 2)
    P[:, 0] *= 1 + taper * P[:, 2]
    P[:, 1] += bend * P[:, 0] ** 2
    P = (P * rng.uniform(0.5, 1.5, 3)) @ random_rotation(rng).T + rng.uniform(-0.1, 0.1, 3)
    return P + rng.normal(0.0, 0.005, P.shape)


def clouds(n_clouds, points, seed=CLOUDS_SEED):
    """(n_clouds * points x 3 float32 points, int64 cloud label per row), rows shuffled."""
    X = np.vstack([one_cloud(np.random.default_rng([seed, 1, c]), points) for c in range(n_clouds)])
    labels = np.repeat(np.arange(n_clouds, dtype=np.int64), points)
    order = np.random.default_rng([seed, 2]).permutation(len(X))
    return X[order].astype(np.float32), labels[order]


def write_labels(labels, txt=None, npy=None):
    """Group labels as text (one per line) and/or as a 1-D int64 .npy."""
    if txt is not None:
        with open(txt, "w") as f:
            f.write("\n".join(labels.astype(str)) + "\n")
    if npy is not None:
        np.save(npy, labels.astype(np.int64))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="kind", required=True)
    mixture = sub.add_parser("mixture", help="Gaussian mixture (float32, written in chunks)")
    mixture.add_argument("--n", type=int, required=True)
    mixture.add_argument("--d", type=int, required=True)
    mixture.add_argument("--clusters", type=int, default=1000)
    mixture.add_argument("--seed", type=int, required=True)
    mixture.add_argument("--out", required=True)
    mixture.add_argument("--labels", help="also write each row's cluster (int32 .npy)")
    random = sub.add_parser("random", help="standard normal (float32)")
    random.add_argument("--n", type=int, required=True)
    random.add_argument("--d", type=int, required=True)
    random.add_argument("--seed", type=int, required=True)
    random.add_argument("--out", required=True)
    uni = sub.add_parser("uniform", help="uniform in the unit cube (float32)")
    uni.add_argument("--n", type=int, required=True)
    uni.add_argument("--d", type=int, default=3)
    uni.add_argument("--seed", type=int, default=UNIFORM_SEED)
    uni.add_argument("--out", required=True)
    surf = sub.add_parser("surface", help="LiDAR-like street scene, 3-D (float32, metres)")
    surf.add_argument("--n", type=int, default=1_000_000)
    surf.add_argument("--seed", type=int, default=SURFACE_SEED)
    surf.add_argument("--out", required=True)
    cl = sub.add_parser("clouds", help="a shuffled batch of small 3-D point clouds, with labels")
    cl.add_argument("--clouds", type=int, default=1000)
    cl.add_argument("--points", type=int, default=1024, help="points per cloud")
    cl.add_argument("--seed", type=int, default=CLOUDS_SEED)
    cl.add_argument("--out", required=True)
    cl.add_argument("--labels-txt", help="default: OUT without .npy + .labels.txt")
    cl.add_argument("--labels-npy", help="default: OUT without .npy + .labels.npy")
    args = p.parse_args()
    if args.kind == "mixture":
        write_mixture(args.out, args.n, args.d, args.clusters, args.seed, args.labels)
    elif args.kind == "random":
        write_random(args.out, args.n, args.d, args.seed)
    elif args.kind == "uniform":
        np.save(args.out, uniform(args.n, args.d, args.seed))
    elif args.kind == "surface":
        np.save(args.out, surface(args.n, args.seed))
    else:
        X, labels = clouds(args.clouds, args.points, args.seed)
        np.save(args.out, X)
        stem = args.out[:-len(".npy")] if args.out.endswith(".npy") else args.out
        write_labels(labels, args.labels_txt or stem + ".labels.txt", args.labels_npy or stem + ".labels.npy")


if __name__ == "__main__":
    main()
