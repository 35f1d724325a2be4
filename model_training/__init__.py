"""Training side of the Prêt à dépenser credit-scoring product: data, features, models, export, drift."""
