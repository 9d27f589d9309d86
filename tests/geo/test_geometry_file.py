"""asskomm.geo.geometry_file: the map's geometry published as a static file of the app."""

from __future__ import annotations

import os
import threading

from asskomm.geo import geometry_file


def test_publish_writes_once_under_a_content_name(tmp_path):
    script = "window.asskommGeometry = {g: {}, k: {}};\n"
    relative = geometry_file.publish(script, tmp_path)
    assert relative == f"generated/{geometry_file.file_name(script)}"
    path = tmp_path / relative
    assert path.read_text() == script
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)
    os.utime(path, (1, 1))
    assert geometry_file.publish(script, tmp_path) == relative
    assert path.stat().st_mtime == 1  # not written again
    other = geometry_file.publish(script.replace("{}", "[]"), tmp_path)
    assert other != relative and (tmp_path / other).is_file()
    assert not [p for p in (tmp_path / "generated").iterdir() if p.name.startswith(".tmp-")]


def test_publish_repairs_a_truncated_file(tmp_path):
    script = "window.asskommGeometry = {g: {a: 1}, k: {}};\n"
    relative = geometry_file.publish(script, tmp_path)
    (tmp_path / relative).write_text(script[:10])
    assert geometry_file.publish(script, tmp_path) == relative
    assert (tmp_path / relative).read_text() == script


def test_unwritable_static_dir_means_inline(tmp_path, caplog):
    blocked = tmp_path / "static"
    blocked.write_text("a file where the folder should be")
    assert geometry_file.publish("x = 1;", blocked) is None
    assert geometry_file.url("x = 1;", "", blocked) is None
    assert caplog.text.count("eingebettet") == 1  # said once, not on every page run


def test_url_honours_the_base_path(tmp_path):
    url = geometry_file.url("x = 1;", "asskomm", tmp_path)
    assert url == f"/asskomm/app/static/generated/{geometry_file.file_name('x = 1;')}"


def test_parallel_publishers_leave_one_complete_file(tmp_path):
    script = "window.asskommGeometry = " + "{g: [" + "1," * 200_000 + "1], k: []};\n"
    results, errors = [], []

    def publish():
        try:
            results.append(geometry_file.publish(script, tmp_path))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=publish) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1
    assert (tmp_path / results[0]).read_text() == script
    assert [p.name for p in (tmp_path / "generated").iterdir()] == [geometry_file.file_name(script)]
