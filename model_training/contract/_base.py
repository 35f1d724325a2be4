"""The machinery every record of the contract shares: one way to write its file, one to read it back.

A record is a frozen dataclass whose type hints say what each field holds (nested records, tuples, dicts
of records). `read` checks the schema version first, then every field against its hint, and refuses a
damaged, incomplete or older file with one line naming the file, the field and the command that rebuilds
it; `write` is the only way training produces the file. Standard library only: the app imports this.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Self

from model_training.errors import InputError


class ContractError(InputError):
    """A record's file cannot be used: the message names the file, the field and how to rebuild it."""

    def __init__(self, path: Path | str, field: str | None, problem: str, command: str):
        self.path, self.field, self.problem, self.command = Path(path), field, problem, command
        where = f"{self.path.name} {problem}" if field is None else f"{self.path.name}: {field} {problem}"
        #: the file's name and what is wrong with it, for messages that add their own command
        self.detail = where
        place = f"{self.path} {problem}" if field is None else f"{self.path}: {field} {problem}"
        super().__init__(f"{place}; rebuild it with `{command}`")


class _Refused(Exception):
    """A field that does not match its type hint (caught by `Record.from_dict`, which adds the file)."""

    def __init__(self, field: str, problem: str):
        super().__init__(field, problem)
        self.field, self.problem = field, problem


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """A record's resolved type hints (resolving them is most of a read's time: once per class)."""
    return typing.get_type_hints(cls)


def decode(hint: Any, value: object, where: str) -> Any:
    """`value` as `hint` says (nested records, tuples, dicts, unions with None); `_Refused` otherwise."""
    origin = typing.get_origin(hint)
    if hint is Any or hint is object:
        return value
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        problems = []
        for option in (o for o in options if o is not type(None)):
            try:
                return decode(option, value, where)
            except _Refused as refused:
                problems.append(refused)
        raise problems[0] if problems else _Refused(where, "is null")
    if value is None:
        raise _Refused(where, "is null")
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _decode_record(hint, value, where)
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise _wrong(where, value)
        item = typing.get_args(hint)[0]
        return tuple(decode(item, v, f"{where}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, Mapping):
            raise _wrong(where, value)
        _, item = typing.get_args(hint)
        return {str(k): decode(item, v, f"{where}.{k}") for k, v in value.items()}
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _wrong(where, value)
        return float(value)
    if hint in (int, str, bool):
        # bool is an int in Python: a count given as true/false is still wrong
        if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
            raise _wrong(where, value)
        return value
    raise TypeError(f"{where}: type {hint!r} is not supported by the contract")


def _wrong(where: str, value: object) -> _Refused:
    return _Refused(where, f"has the wrong type ({type(value).__name__})")


def _decode_record(cls: type, value: object, where: str) -> Any:
    if not isinstance(value, Mapping):
        raise _Refused(where, f"has the wrong type ({type(value).__name__}), expected an object")
    hints = _hints(cls)
    given = {}
    for field in dataclasses.fields(cls):
        name = f"{where}.{field.name}" if where else field.name
        if field.name in value:
            given[field.name] = decode(hints[field.name], value[field.name], name)
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise _Refused(name, "is missing")
    return cls(**given)


def encode(value: object) -> object:
    """A record as plain JSON values, fields in declaration order."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalars
        return value.item()
    return value


class Record:
    """A file crossing from training to serving: subclasses are frozen dataclasses that set the four
    class constants below."""

    #: the file's name (relative to the folder it lives in)
    FILE: ClassVar[str]
    #: bumped when a field changes meaning or disappears; a file of another version is refused
    SCHEMA_VERSION: ClassVar[int]
    #: the key holding the version in the file (the drift summary has always called it format_version)
    VERSION_FIELD: ClassVar[str] = "schema_version"
    #: the command that rebuilds the file, `{folder}` being the artifacts folder
    REBUILD: ClassVar[str]
    #: what the file is, in a person's words
    WHAT: ClassVar[str]
    #: NaN written as JSON's non-standard NaN (as serving.json always was) or refused (the drift summary)
    ALLOW_NAN: ClassVar[bool] = True

    def to_dict(self) -> dict[str, Any]:
        """The file's content: the version first, then every field."""
        body = encode(self)
        assert isinstance(body, dict)
        return {self.VERSION_FIELD: self.SCHEMA_VERSION, **body}

    def write(self, path: Path | str) -> Path:
        """Write the file (UTF-8 JSON, indented: people and other tools read it)."""
        path = Path(path)
        text = json.dumps(self.to_dict(), indent=2, ensure_ascii=False, allow_nan=self.ALLOW_NAN)
        path.write_text(text + "\n", encoding="utf-8")
        return path

    @classmethod
    def rebuild_command(cls, path: Path | str) -> str:
        return cls.REBUILD.format(folder=_artifacts_folder(Path(path), cls.FILE))

    @classmethod
    def from_dict(cls, data: object, path: Path | str | None = None) -> Self:
        """The record from the file's content; ContractError naming the field when it does not fit."""
        path = Path(path) if path is not None else Path(cls.FILE)
        command = cls.rebuild_command(path)
        if not isinstance(data, Mapping):
            raise ContractError(path, None, "is not a JSON object", command)
        version = data.get(cls.VERSION_FIELD)
        if version is None:
            raise ContractError(path, cls.VERSION_FIELD, "is missing", command)
        if version != cls.SCHEMA_VERSION:
            raise ContractError(
                path,
                cls.VERSION_FIELD,
                f"is {version!r}, this code reads version {cls.SCHEMA_VERSION}",
                command,
            )
        try:
            record = _decode_record(cls, data, "")
        except _Refused as refused:
            raise ContractError(path, refused.field, refused.problem, command) from None
        problem = record.check()
        if problem is not None:
            raise ContractError(path, problem[0], problem[1], command)
        return record

    @classmethod
    def read(cls, path: Path | str) -> Self:
        """Read and check the file; ContractError (one line: file, field, command) when it is unusable."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) else _first_line(error)
            raise ContractError(path, None, f"is unreadable ({reason})", cls.rebuild_command(path)) from None
        return cls.from_dict(data, path)

    def check(self) -> tuple[str, str] | None:
        """(field, problem) when the values, each of the right type, do not make sense together."""
        return None


def finite(value: float | None) -> bool:
    return value is None or math.isfinite(value)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _artifacts_folder(path: Path, file: str) -> Path | str:
    """The artifacts folder a record's file sits in (the file may be in a subfolder, drift/summary.json)."""
    depth = len(Path(file).parts)
    folder = path
    for _ in range(depth):
        folder = folder.parent
    return folder if str(folder) not in ("", ".") else "DIR"
