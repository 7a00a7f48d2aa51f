"""The national corpus: the harvested programmes' tables, read back from the cache.

Nothing here holds every programme's full records at once: pages and figures read the
few columns they need over all programmes (``table``), and the national open data is
written programme by programme (``parts``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa

from generator.federate import similarity
from generator.federate.cache import HarvestCache
from generator.federate.harvest import Harvested, read_parquet
from generator.federate.tables import LISTS, NATIONAL_TABLES, PROGRAMMES, Table

TABLES = {t.name: t for t in NATIONAL_TABLES}


@dataclass
class National:
    cache: HarvestCache
    harvested: list[Harvested]

    @property
    def included(self) -> list[Harvested]:
        return [h for h in self.harvested if h.key]

    @property
    def failed(self) -> list[Harvested]:
        return [h for h in self.harvested if h.state == "failed"]

    def parts(self, name: str, columns: list[str] | None = None) -> Iterator[pa.Table]:
        """One programme's table at a time, in the federation's order."""
        for h in self.included:
            assert h.key is not None
            data = self.cache.part(h.key, name)
            if data is None:
                raise LookupError(f"the cache lost {name} of {h.programme}")
            yield read_parquet(data, columns)

    def table(self, name: str, columns: list[str] | None = None) -> pa.Table:
        """A national table (or some of its columns) over every included programme."""
        schema: Table = TABLES[name]
        found = list(self.parts(name, columns))
        if not found:
            fields = [schema.schema.field(c) for c in columns] if columns else list(schema.schema)
            return pa.schema(fields).empty_table()
        return pa.concat_tables(found)

    @cached_property
    def programmes(self) -> list[dict[str, object]]:
        return self.table(PROGRAMMES.name).to_pylist()  # type: ignore[no-any-return]

    @cached_property
    def as_of(self) -> dt.date | None:
        """The national view's date: the latest of the programmes' as-of dates."""
        dates = [p["as_of"] for p in self.programmes if isinstance(p["as_of"], dt.date)]
        return max(dates) if dates else None

    def signatures(self) -> tuple[list[str], np.ndarray]:
        """Every list's id and similarity signature, in the national order of the lists table."""
        ids: list[str] = []
        blobs: list[bytes] = []
        for part in self.parts("signatures"):
            ids += part.column("id").to_pylist()
            blobs += part.column("minhash").to_pylist()
        return ids, similarity.from_bytes(blobs)

    def list_columns(self, *columns: str) -> pa.Table:
        return self.table(LISTS.name, list(columns))
