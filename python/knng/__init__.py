"""knng: exact (and approximate, with a measured recall) k-nearest-neighbour graphs, from Python.

The functions keep the signatures of the libraries they replace:

- scikit-learn: ``knng.kneighbors_graph``, ``knng.radius_neighbors_graph`` (scipy CSR), and
  ``knng.sklearn.KNeighborsTransformer`` and ``RadiusNeighborsTransformer`` for pipelines (need
  scikit-learn);
- PyTorch Geometric: ``knng.knn_graph``, ``knng.radius_graph`` (2 x E edge_index);
- UMAP: ``knng.precomputed_knn`` for ``UMAP(precomputed_knn=...)``;
- ``knng.recall``: the recall@k of any k-NN graph (knng's, PyNNDescent's, hnswlib's, FAISS's)
  against exact neighbours, with its 95% interval.

The engines are knng's Java library, reached in-process through JPype when it is installed (the
JVM stays warm across calls), else through a ``java`` subprocess; ``knng.backend()`` says which.
Bad input raises ``ValueError`` with knng's one-line message.
"""

from ._engine import backend as _backend
from ._graphs import kneighbors_graph, radius_neighbors_graph
from .evaluation import Recall, recall
from .pyg import knn_graph, radius_graph
from .umap import nearest_neighbors, precomputed_knn

__version__ = "0.1.0"
__all__ = ["kneighbors_graph", "radius_neighbors_graph", "knn_graph", "radius_graph",
           "nearest_neighbors", "precomputed_knn", "recall", "Recall", "backend"]


def backend():
    """'jpype' (in-process) or 'process' (a java subprocess per call)."""
    return _backend().name
