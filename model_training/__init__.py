"""Training side of the Prêt à dépenser credit-scoring product: data, features, models, export, drift."""

import os

# polars' allocator (jemalloc) keeps freed pages by default; at full Kaggle scale that alone lifted the peak
# RSS of load + features from 1.7 GB to 2.4 GB. It reads this setting once, when polars is first imported.
# A parent that imported polars first passes polars' own setting down (dirty_decay_ms:500...): ours goes after
# it, and jemalloc takes the last value of an option.
_RELEASE_FREED_PAGES = "dirty_decay_ms:0,muzzy_decay_ms:0"
_given = os.environ.get("_RJEM_MALLOC_CONF", "")
if not _given.endswith(_RELEASE_FREED_PAGES):
    os.environ["_RJEM_MALLOC_CONF"] = ",".join(part for part in (_given, _RELEASE_FREED_PAGES) if part)
