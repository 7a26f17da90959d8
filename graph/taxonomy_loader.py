"""Loads the packaged metal-AM taxonomy into a :class:`~graph.protocol.GraphStore`."""

from __future__ import annotations

from graph.protocol import GraphStore, WriteReport
from matchmaker.taxonomy import default_taxonomy


def load_taxonomy_into(store: GraphStore) -> WriteReport:
    """Upsert every concept of :func:`~matchmaker.taxonomy.default_taxonomy` into ``store``.

    Idempotent: a second call reports every concept ``unchanged``.

    Parameters:
        store: any store implementing the protocol.

    Returns:
        The store's write report (ids created / updated / unchanged).

    Raises:
        BatchRejected: if the store refuses the batch (it should not: the taxonomy is validated).
        StoreError: if the store fails.
    """
    return store.upsert_concepts(list(default_taxonomy().concepts))
