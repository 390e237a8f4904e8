"""LibreOffice for the export tests: a workbook must open in a real spreadsheet program."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def convert_with_libreoffice(path: Path, fmt: str, outdir: Path, tmp_path: Path) -> Path:
    """`soffice --headless --convert-to fmt`: the converted file, or the test fails with
    LibreOffice's own message. Missing LibreOffice fails in CI and skips elsewhere."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail("soffice is not installed (apt-get install libreoffice-calc-nogui)")
        pytest.skip("soffice is not installed")
    result = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",  # its own profile per test
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return outdir / f"{path.stem}.{fmt}"
