"""Shared test fixtures (the project root is on sys.path through pytest's `pythonpath` setting)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
