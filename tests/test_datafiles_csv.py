"""The data files' CSV writer: the bytes pandas' ``to_csv`` writes, a carriage return quoted."""

from __future__ import annotations

import gzip
import io
import math

import numpy as np
import pandas as pd
import pytest

from framing.datafiles import FLOAT_FORMAT, csv_bytes, write_csv


def pandas_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n", float_format=FLOAT_FORMAT).encode("utf-8")


TEXTS = ["plain", "", None, "with, comma", 'a "quote"', "two\nlines", "قال الوزير، «احتلال»", " lead space",
         "tab\there", "ends,", '"', "x" * 300]


def edge_table(n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    floats = [0.1, 1e-7, 123456789.0, -0.0, float("nan"), float("inf"), -float("inf"), 2 / 3, 1.0, 0.000123456789]
    return pd.DataFrame({
        "text": pd.array([TEXTS[i % len(TEXTS)] for i in range(n)], dtype="str"),
        "object_text": pd.Series([TEXTS[(i * 7) % len(TEXTS)] for i in range(n)], dtype=object),
        "count": rng.integers(-5, 10**12, n),
        "small": rng.integers(0, 3, n).astype(np.int32),
        "flag": rng.random(n) < 0.5,
        "maybe_int": pd.array([None if i % 5 == 0 else i for i in range(n)], dtype="Int64"),
        "maybe_flag": pd.array([None if i % 4 == 0 else i % 3 == 0 for i in range(n)], dtype="boolean"),
        "rate": [floats[i % len(floats)] for i in range(n)],
        "weird, name": np.arange(n),
    })


def test_the_bytes_are_pandas_own():
    frame = edge_table()
    assert csv_bytes(frame) == pandas_csv(frame)
    assert csv_bytes(frame, "utf-8-sig") == b"\xef\xbb\xbf" + pandas_csv(frame)


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"only": ["a", None, ""]}),  # one column: an empty field is quoted
    pd.DataFrame({"a": pd.Series([], dtype="str"), "b": pd.Series([], dtype="int64")}),  # no rows
    pd.DataFrame({"when": pd.to_datetime(["2015-07-01", None]), "n": [1, 2]}),  # dates
    pd.DataFrame({"mixed": [1, "a", 2.5], "n": [1, 2, 3]}),  # objects that are not all text
    pd.DataFrame({"cat": pd.Categorical(["x", "y", "x"]), "n": [1, 2, 3]}),
])
def test_other_tables_are_written_by_pandas(frame):
    assert csv_bytes(frame) == pandas_csv(frame)


def test_a_carriage_return_is_quoted_and_reads_back():
    frame = pd.DataFrame({"text": ["one\rtwo", "plain"], "n": [1, 2]})
    data = csv_bytes(frame)
    assert data == b'text,n\n"one\rtwo",1\nplain,2\n'
    back = pd.read_csv(io.BytesIO(data), keep_default_na=False)
    assert back["text"].tolist() == ["one\rtwo", "plain"]


def test_the_table_reads_back(tmp_path):
    frame = edge_table(200)
    path = write_csv(frame, tmp_path / "t.csv.gz", "utf-8")
    with gzip.open(path, "rb") as fh:
        assert fh.read() == pandas_csv(frame)
    back = pd.read_csv(path)
    assert back["count"].tolist() == frame["count"].tolist()
    assert back["flag"].tolist() == frame["flag"].tolist()
    for got, want in zip(back["rate"], frame["rate"]):
        assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want, rel=1e-5)


def test_gzip_bytes_do_not_depend_on_the_day(tmp_path):
    frame = edge_table()
    a = write_csv(frame, tmp_path / "t.csv.gz", "utf-8").read_bytes()
    b = write_csv(frame, tmp_path / "t.csv.gz", "utf-8").read_bytes()
    assert a == b and a[4:8] == b"\0\0\0\0"  # no timestamp in the header


def test_without_pyarrow_pandas_writes_the_table(monkeypatch):
    """pyarrow is optional (the parquet extra): without it the table is pandas' own CSV."""
    from framing import datafiles

    monkeypatch.setattr(datafiles, "_have_pyarrow", lambda: False)
    frame = edge_table()
    assert csv_bytes(frame) == pandas_csv(frame)
