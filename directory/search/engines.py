"""Which search engine serves this instance: the one place that knows every engine.

``backend.py`` defines the contract the engines implement; the engines import it. Choosing between
them lives here, above both, so that the contract never imports its implementations.
"""

from __future__ import annotations

from ..catalogue.vocab import Vocabularies
from ..settings import Settings
from .backend import SearchBackend


def make_backend(settings: Settings, vocab: Vocabularies) -> SearchBackend:
    """The backend ``settings.search_backend`` names, ready to use (its index ensured)."""
    # Imported on demand: an instance loads only the engine (and client library) it runs.
    if settings.search_backend == "elasticsearch":
        from .elastic import ElasticsearchBackend

        backend: SearchBackend = ElasticsearchBackend(
            settings.elasticsearch_url, settings.elasticsearch_index, vocab
        )
    else:
        from .tantivy_backend import TantivyBackend

        backend = TantivyBackend(settings.index_dir, vocab, facet_cache=settings.search_facet_cache)
    backend.ensure_index()
    return backend
