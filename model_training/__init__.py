"""Training side of the Prêt à dépenser credit-scoring product: data, features, models, export, drift."""

import os

# polars' allocator (jemalloc) keeps freed pages by default; at full Kaggle scale that alone lifted the peak
# RSS of load + features from 1.7 GB to 2.4 GB. It reads this setting once, when polars is first imported.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")
