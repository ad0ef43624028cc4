"""Every file the app keeps goes through the file store (``core.files``), seen alike by every host: the
instance folder holds only the SQLite files and the development key (``config``), and WeCom's
domain-verification file an admin puts there (``web/health`` only reads it)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "sidebar"
# cli.py: `flask files move-instance` reads what earlier versions kept there into the file store.
ALLOWED = {"__init__.py", "config.py", "web/health.py", "cli.py"}


def test_only_the_app_factory_config_and_the_verification_file_touch_the_instance_folder():
    touching = {
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if "instance_path" in path.read_text(encoding="utf-8")
    }
    assert touching == ALLOWED
    health = (ROOT / "web/health.py").read_text(encoding="utf-8")
    assert "open(" not in health and "write" not in health  # it only serves the file an admin placed
    cli = (ROOT / "cli.py").read_text(encoding="utf-8")
    assert cli.count("instance_path") == 1 and "move_from_folder(Path(current_app.instance_path))" in cli
