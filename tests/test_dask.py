"""Scale-out on Dask distributed (issue 8): the same results as the local pool, on a LocalCluster."""
import os

import pymupdf
import pytest
from click.testing import CliRunner

distributed = pytest.importorskip("distributed")

from redactlens.batch import scan_many  # noqa: E402
from redactlens.settings import Settings  # noqa: E402
from redactlens.cli import main  # noqa: E402
from redactlens.stream import read_jsonl  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None, silence_logs=40) as lc:
        with distributed.Client(lc) as client:
            yield lc, client


@pytest.fixture()
def release(tmp_path, core_fixtures):
    out, _index = core_fixtures
    src = tmp_path / "rel"
    src.mkdir()
    pdfs = sorted(p for p in os.listdir(out) if p.endswith(".pdf"))[:4]
    for p in pdfs:
        (src / p).write_bytes((out / p).read_bytes())
    (src / "x_crash.pdf").write_bytes((out / pdfs[0]).read_bytes())
    (src / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\n")
    (src / "notes.txt").write_text("not a pdf")
    return src


def _docs(batch):
    return [d.to_dict() for d in batch.documents]


def test_dask_results_equal_local(cluster, release):
    _lc, client = cluster
    local = scan_many([release], workers=2)
    remote = scan_many([release], executor="dask", client=client)
    assert _docs(remote) == _docs(local)
    assert sum(len(d.redactions) for d in remote.documents) > 5
    shipped = scan_many([release], executor="dask", client=client, send_bytes=True)
    assert _docs(shipped) == _docs(local)


def test_dask_crash_costs_one_document(cluster, release, faults):
    _lc, client = cluster
    batch = scan_many([release], executor="dask", client=client, settings=Settings(timeout=3, memory_mb=0),
                      task=faults({"x_crash": "segv", "broken": "hang"}))
    by = {os.path.basename(d.path): d for d in batch.documents}
    assert "SIGSEGV" in by["x_crash.pdf"].error and by["x_crash.pdf"].error_code == "parser_crash"
    assert "time limit exceeded" in by["broken.pdf"].error and by["broken.pdf"].error_code == "timeout"
    assert by["notes.txt"].error_code == "skipped"
    assert sum(1 for d in batch.documents if d.error is None) == 4


@pytest.mark.parametrize("send_bytes", [False, True])
def test_dask_tasks_get_the_settings(cluster, release, faults, send_bytes):
    _lc, client = cluster
    settings = Settings(ocr="off", ocr_lang="eng+spa", timeout=41, memory_mb=3001)
    batch = scan_many([release], executor="dask", client=client, settings=settings, send_bytes=send_bytes,
                      task=faults({".pdf": "echo", "x_crash": "raise"}))
    by = {os.path.basename(d.path): d for d in batch.documents}
    echoes = [w for d in batch.documents for w in d.warnings if w.startswith("worker saw")]
    assert len(echoes) == 5                   # the four good ones and broken.pdf (an error report)
    assert all("ocr=off ocr_lang=eng+spa timeout=41 memory_mb=3001" in e for e in echoes)
    assert by["x_crash.pdf"].error_code == "internal" and "RuntimeError" in by["x_crash.pdf"].error
    assert by["x_crash.pdf"].sha256


def test_cli_dask_scheduler_address(cluster, release, tmp_path):
    lc, _client = cluster
    out = tmp_path / "o.jsonl"
    res = CliRunner().invoke(main, ["scan", str(release), "--executor", "dask", "--scheduler",
                                    lc.scheduler_address, "--jsonl", str(out)])
    assert res.exit_code == 1, res.output  # broken.pdf cannot be read
    got = sorted((d.path, len(d.redactions), d.error) for d in read_jsonl(str(out)))
    want = sorted((d.path, len(d.redactions), d.error) for d in scan_many([release], workers=1).documents)
    assert got == want


def test_cli_dask_needs_a_scheduler(release):
    res = CliRunner().invoke(main, ["scan", str(release), "--executor", "dask"])
    assert res.exit_code != 0 and "scheduler" in res.output


def test_dask_worker_processes_like_a_real_cluster(release):
    """``dask worker`` runs each worker as a separate, daemonic process (distributed.worker.daemon);
    the isolated scan must still work there and give the local results."""
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=":0",
                                  silence_logs=40) as lc, distributed.Client(lc) as client:
        remote = scan_many([release], executor="dask", client=client, settings=Settings(timeout=60, memory_mb=2048))
        daemonic = client.run(lambda: __import__("multiprocessing").current_process()._config.get("daemon"))
    local = scan_many([release], workers=2, settings=Settings(timeout=60, memory_mb=2048))
    assert _docs(remote) == _docs(local)
    assert not any("without a worker process" in w for d in remote.documents for w in d.warnings)
    assert list(daemonic.values()) == [False]  # lifted by the runner (Dask starts it as True)
