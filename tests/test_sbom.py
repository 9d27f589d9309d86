"""The CycloneDX bill of materials that .ci/run writes: of requirements-lock.txt, every package at its version."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_containers_sbom_lists_every_locked_package(tmp_path):
    out = tmp_path / "sbom.cdx.json"
    tool = Path(sys.executable).with_name("cyclonedx-py")
    subprocess.run([str(tool), "requirements", "--of", "JSON", "-o", str(out), str(ROOT / "requirements-lock.txt")],
                   check=True, capture_output=True)
    bom = json.loads(out.read_text())
    assert bom["bomFormat"] == "CycloneDX"
    listed = {(c["name"].lower().replace("_", "-"), c["version"]) for c in bom["components"]}
    locked = {(n.lower().replace("_", "-"), v) for n, v in
              re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", (ROOT / "requirements-lock.txt").read_text(), re.M)}
    assert listed == locked
    assert all(c["purl"].startswith("pkg:pypi/") for c in bom["components"])
    # .ci/run writes it (and the one of the tested environment) next to the test report
    ci = (ROOT / ".ci" / "run").read_text()
    assert 'requirements --of JSON -o "$out/sbom-container.cdx.json" requirements-lock.txt' in ci
    assert 'environment --of JSON -o "$out/sbom-umgebung.cdx.json"' in ci
