"""`flask kb backup`, `check-backup` and `restore` refuse what they cannot do faithfully, and say so
without changing anything (tests/site/test_restore_drill.py restores a whole site)."""

import json
import zipfile


def test_a_damaged_or_foreign_file_is_refused_and_changes_nothing(app, seeded, tmp_path):
    runner = app.test_cli_runner()
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("minutes of the partnership board")
    for path, message in ((not_a_backup, "not a Common Ground backup"), (tmp_path / "missing", "There is no backup")):
        result = runner.invoke(args=["kb", "restore", "--force", str(path)])
        assert result.exit_code == 1 and message in result.output, result.output
    assert app.test_client().get("/themes/funding-it-better").status_code == 200

    backup = tmp_path / "site.backup"
    assert runner.invoke(args=["kb", "backup", str(backup)]).exit_code == 0
    damaged = bytearray(backup.read_bytes())
    damaged[-200] ^= 0xFF  # a flipped byte inside the archive
    backup.write_bytes(bytes(damaged))
    result = runner.invoke(args=["kb", "check-backup", str(backup)])
    assert result.exit_code == 1 and ("damaged" in result.output), result.output


def test_a_backup_from_a_newer_version_is_refused(app, seeded, tmp_path):
    runner = app.test_cli_runner()
    backup, newer = tmp_path / "site.backup", tmp_path / "newer.backup"
    assert runner.invoke(args=["kb", "backup", str(backup)]).exit_code == 0
    with zipfile.ZipFile(backup) as source, zipfile.ZipFile(newer, "w") as target:
        for member in source.namelist():
            content = source.read(member)
            if member == "manifest.json":
                manifest = json.loads(content)
                manifest["revision"] = "0099_from_a_later_release"
                content = json.dumps(manifest).encode()
            target.writestr(member, content)
    result = runner.invoke(args=["kb", "restore", "--force", str(newer)])
    assert result.exit_code == 1 and "newer version of Common Ground" in result.output, result.output
    assert "Nothing was changed" in result.output
