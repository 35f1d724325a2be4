"""Figure builders and widgets: plain functions, no callbacks, no data access (but for the client picker,
components/client_picker.py, a component with its own callbacks, Dash's All-in-One pattern).

Pages fetch data through the app services, translate texts with the catalogue, and hand both to these
functions; this keeps every figure testable without a browser or a model.
"""
