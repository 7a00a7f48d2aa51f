"""The national open data: every national table as Parquet and CSV, and all of them in one
JSON document, written programme by programme so that memory stays flat however many
programmes there are.

``data/<table>.parquet`` (pyarrow; DuckDB and pandas read it directly),
``data/<table>.csv`` (UTF-8 with BOM, as the programmes' CSV) and ``data/national.json``
(format ``jiebang-national-data``, version 1: ``federation``, ``as_of`` and one array per
table). Ids are namespaced by programme; every column is documented on the 开放数据 page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from generator.federate.corpus import National
from generator.federate.tables import NATIONAL_TABLES, SIMILAR, Table, cell

FORMAT = "jiebang-national-data"
VERSION = 1
JSON_FILE = "national.json"


def write_data(folder: Path, national: National, similar: pa.Table, header: dict[str, Any]) -> list[Path]:
    """Write every national table into ``folder`` (created); returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with (folder / JSON_FILE).open("wb") as out:
        out.write(orjson.dumps({"format": FORMAT, "version": VERSION, **header}, default=_default)[:-1])
        for table in NATIONAL_TABLES:
            parts = [similar] if table is SIMILAR else national.parts(table.name)
            written += _write_table(folder, table, parts, out)
        out.write(b"}\n")
    return [folder / JSON_FILE, *written]


def _write_table(folder: Path, table: Table, parts: Iterable[pa.Table], json_out: IO[bytes]) -> list[Path]:
    parquet_file, csv_file = folder / f"{table.name}.parquet", folder / f"{table.name}.csv"
    json_out.write(b',"' + table.name.encode() + b'":[')
    first = True
    with pq.ParquetWriter(parquet_file, table.schema) as parquet, csv_file.open("w", encoding="utf-8-sig", newline="") as text:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(table.names)
        for part in parts:
            part = part.select(table.names).cast(table.schema)
            parquet.write_table(part)
            for row in part.to_pylist():
                writer.writerow([cell(row[c]) for c in table.names])
                json_out.write((b"\n" if first else b",\n") + orjson.dumps(row, default=_default))
                first = False
    json_out.write(b"]")
    return [parquet_file, csv_file]


def _default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def dumps(data: Any) -> bytes:
    return orjson.dumps(data, default=_default)


def csv_bytes(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    return buf.getvalue().encode("utf-8-sig")
