"""Runs ONE k-NN graph builder on one dataset, as its own process, and saves the neighbour ids.

usage: peer_run.py PEER DATA.npy K METRIC THREADS OUT_IDS.npy

PEER is one of faiss-flat, sklearn-brute, torch-cdist, torch-mm. METRIC is euclidean or cosine.
Every peer returns each point's K nearest OTHER points (the point itself removed by index), as an
N x K int64 array. peers.py times the whole process (imports included) and checks the result.
"""
import sys

import numpy as np

CHUNK = 1024


def remove_self(ids, k):
    """ids: N x (k+1) from a search that may include the point itself; drop it by index."""
    n = ids.shape[0]
    out = np.empty((n, k), dtype=np.int64)
    rows = np.arange(n)
    is_self = ids == rows[:, None]
    for i in range(n):
        row = ids[i][~is_self[i]]
        out[i] = row[:k]
    return out


def faiss_flat(X, k, metric, threads):
    import faiss
    faiss.omp_set_num_threads(threads)
    if metric == "cosine":
        X = X / np.linalg.norm(X, axis=1, keepdims=True)
        index = faiss.IndexFlatIP(X.shape[1])
    else:
        index = faiss.IndexFlatL2(X.shape[1])
    index.add(X)
    _, ids = index.search(X, k + 1)
    return remove_self(ids, k)


def sklearn_brute(X, k, metric, threads):
    from sklearn.neighbors import NearestNeighbors
    nn = NearestNeighbors(n_neighbors=k, algorithm="brute", metric=metric, n_jobs=threads).fit(X)
    graph = nn.kneighbors_graph(mode="connectivity")  # = kneighbors_graph(X, k, include_self=False)
    return graph.indices.reshape(X.shape[0], k).astype(np.int64)


def torch_topk(X, k, metric, threads, use_cdist):
    import torch
    torch.set_num_threads(threads)
    T = torch.from_numpy(X)
    if metric == "cosine":
        T = torch.nn.functional.normalize(T, dim=1)
    n = T.shape[0]
    norms = (T * T).sum(dim=1)
    out = np.empty((n, k), dtype=np.int64)
    with torch.no_grad():
        for start in range(0, n, CHUNK):
            stop = min(n, start + CHUNK)
            C = T[start:stop]
            if use_cdist:
                D = torch.cdist(C, T)
            elif metric == "cosine":
                D = -(C @ T.T)
            else:
                # |y|^2 - 2 x.y ranks a row like the squared distance (|x|^2 is constant per row),
                # in one fused GEMM with no extra N-wide temporaries.
                D = torch.addmm(norms[None, :], C, T.T, beta=1.0, alpha=-2.0)
            D[torch.arange(stop - start), torch.arange(start, stop)] = float("inf")
            out[start:stop] = torch.topk(D, k, dim=1, largest=False).indices.numpy()
    return out


PEERS = {
    "faiss-flat": faiss_flat,
    "sklearn-brute": sklearn_brute,
    "torch-cdist": lambda X, k, m, t: torch_topk(X, k, m, t, True),
    "torch-mm": lambda X, k, m, t: torch_topk(X, k, m, t, False),
}


def main(argv):
    peer, data, k, metric, threads, out = argv[1:7]
    X = np.ascontiguousarray(np.load(data), dtype=np.float32)
    ids = PEERS[peer](X, int(k), metric, int(threads))
    np.save(out, ids)


if __name__ == "__main__":
    main(sys.argv)
