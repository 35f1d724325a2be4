"""The applications store (model_training.store.applications) on the app's database: the training CLI
writes batches into it, the app writes single applications and reads everything through its repository."""
