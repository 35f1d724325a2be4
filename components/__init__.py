"""Figure builders and widgets: plain functions, no callbacks, no data access.

Pages fetch data through the app services, translate texts with the catalogue, and hand both to these
functions; this keeps every figure testable without a browser or a model.
"""
